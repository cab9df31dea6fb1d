#include "kernels/elementwise.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <xsimd/xsimd.hpp>

#include "ir/half.h"
#include "ir/saturate.h"
#include "kernels/convert.h"

namespace qcc::kernels {

namespace {

template <typename T, typename F>
void binary_loop(const T* a, const Dims& sa, const T* b, const Dims& sb, T* out,
                 const Dims& shape, F f) {
  const int rank = static_cast<int>(shape.size());
  int64_t total = 1;
  for (int64_t d : shape) total *= d;
  if (total == 0) return;
  if (rank == 0) {
    out[0] = f(a[0], b[0]);
    return;
  }
  const int64_t inner = shape[rank - 1], ia = sa[rank - 1], ib = sb[rank - 1];
  Dims idx(rank, 0);
  for (int64_t done = 0; done < total; done += inner) {
    int64_t oa = 0, ob = 0;
    for (int k = 0; k < rank - 1; ++k) {
      oa += idx[k] * sa[k];
      ob += idx[k] * sb[k];
    }
    const T* pa = a + oa;
    const T* pb = b + ob;
    if (ia == 1 && ib == 1) {
      for (int64_t i = 0; i < inner; ++i) out[i] = f(pa[i], pb[i]);
    } else if (ia == 1 && ib == 0) {
      for (int64_t i = 0; i < inner; ++i) out[i] = f(pa[i], pb[0]);
    } else {
      for (int64_t i = 0; i < inner; ++i) out[i] = f(pa[i * ia], pb[i * ib]);
    }
    out += inner;
    for (int k = rank - 2; k >= 0; --k) {
      if (++idx[k] < shape[k]) break;
      idx[k] = 0;
    }
  }
}

template <typename T>
bool binary_typed(BinaryOp op, const void* a, const Dims& sa, const void* b, const Dims& sb,
                  void* out, const Dims& shape) {
  auto pa = static_cast<const T*>(a);
  auto pb = static_cast<const T*>(b);
  auto po = static_cast<T*>(out);
  switch (op) {
    case BinaryOp::add: binary_loop(pa, sa, pb, sb, po, shape, [](T x, T y) { return T(x + y); }); break;
    case BinaryOp::sub: binary_loop(pa, sa, pb, sb, po, shape, [](T x, T y) { return T(x - y); }); break;
    case BinaryOp::mul: binary_loop(pa, sa, pb, sb, po, shape, [](T x, T y) { return T(x * y); }); break;
    case BinaryOp::div:
      if constexpr (std::is_integral_v<T>) {
        bool ok = true;
        binary_loop(pa, sa, pb, sb, po, shape, [&](T x, T y) {
          if (y == 0) {
            ok = false;
            return T(0);
          }
          return T(x / y);
        });
        return ok;
      } else {
        binary_loop(pa, sa, pb, sb, po, shape, [](T x, T y) { return T(x / y); });
      }
      break;
  }
  return true;
}

template <typename T>
T load_as(ElemType t, const void* x, int64_t i) {
  switch (t) {
    case ElemType::f32: return static_cast<T>(static_cast<const float*>(x)[i]);
    case ElemType::f16: return static_cast<T>(half_to_float(static_cast<const uint16_t*>(x)[i]));
    case ElemType::s8: return static_cast<T>(static_cast<const int8_t*>(x)[i]);
    case ElemType::u8: return static_cast<T>(static_cast<const uint8_t*>(x)[i]);
    case ElemType::s32: return static_cast<T>(static_cast<const int32_t*>(x)[i]);
    case ElemType::s64: return static_cast<T>(static_cast<const int64_t*>(x)[i]);
  }
  return T{};
}

template <typename T>
void cast_to(ElemType from, const void* x, T* y, int64_t n) {
  if (std::is_integral_v<T> && (from == ElemType::f32 || from == ElemType::f16)) {
    for (int64_t i = 0; i < n; ++i) y[i] = saturate_cast<T>(load_as<double>(from, x, i));
  } else {
    for (int64_t i = 0; i < n; ++i) y[i] = load_as<T>(from, x, i);
  }
}

}  // namespace

Dims broadcast_strides(const Dims& in_shape, const Dims& out_shape) {
  Dims in_strides = contiguous_strides(in_shape);
  Dims s(out_shape.size(), 0);
  size_t off = out_shape.size() - in_shape.size();
  for (size_t d = 0; d < in_shape.size(); ++d) s[d + off] = in_shape[d] == 1 ? 0 : in_strides[d];
  return s;
}

bool binary(BinaryOp op, ElemType t, const void* a, const Dims& sa, const void* b,
            const Dims& sb, void* out, const Dims& shape) {
  switch (t) {
    case ElemType::f32: return binary_typed<float>(op, a, sa, b, sb, out, shape);
    case ElemType::s8: return binary_typed<int8_t>(op, a, sa, b, sb, out, shape);
    case ElemType::u8: return binary_typed<uint8_t>(op, a, sa, b, sb, out, shape);
    case ElemType::s32: return binary_typed<int32_t>(op, a, sa, b, sb, out, shape);
    case ElemType::s64: return binary_typed<int64_t>(op, a, sa, b, sb, out, shape);
    case ElemType::f16: return false;
  }
  return false;
}

void relu_f32(const float* x, float* y, int64_t n) {
  using B = xsimd::batch<float>;
  const B zero(0.f);
  int64_t i = 0;
  for (; i + static_cast<int64_t>(B::size) <= n; i += B::size)
    xsimd::max(B::load_unaligned(x + i), zero).store_unaligned(y + i);
  for (; i < n; ++i) y[i] = std::max(x[i], 0.f);
}

void relu_f16(const uint16_t* x, uint16_t* y, int64_t n) {
  // Negative halves (sign bit set, not NaN) become +0; everything else is unchanged.
  for (int64_t i = 0; i < n; ++i) y[i] = (x[i] & 0x8000u) && (x[i] & 0x7fffu) <= 0x7c00u ? 0 : x[i];
}

template <typename T>
void relu_q(const T* x, T* y, int64_t n, T zero) {
  for (int64_t i = 0; i < n; ++i) y[i] = std::max(x[i], zero);
}
template void relu_q(const int8_t*, int8_t*, int64_t, int8_t);
template void relu_q(const uint8_t*, uint8_t*, int64_t, uint8_t);

void softmax_f32(const float* x, float* y, int64_t outer, int64_t len, int64_t inner) {
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t in = 0; in < inner; ++in) {
      const float* px = x + o * len * inner + in;
      float* py = y + o * len * inner + in;
      float mx = px[0];
      for (int64_t i = 1; i < len; ++i) mx = std::max(mx, px[i * inner]);
      double sum = 0;
      for (int64_t i = 0; i < len; ++i) {
        py[i * inner] = std::exp(px[i * inner] - mx);
        sum += py[i * inner];
      }
      float inv = static_cast<float>(1.0 / sum);
      for (int64_t i = 0; i < len; ++i) py[i * inner] *= inv;
    }
}

void batchnorm_f32(const float* x, float* y, int64_t n, int64_t c, int64_t inner,
                   const float* scale, const float* bias, const float* mean, const float* var,
                   float eps) {
  for (int64_t b = 0; b < n; ++b)
    for (int64_t ch = 0; ch < c; ++ch) {
      float s = scale[ch] / std::sqrt(var[ch] + eps);
      float t = bias[ch] - mean[ch] * s;
      const float* px = x + (b * c + ch) * inner;
      float* py = y + (b * c + ch) * inner;
      for (int64_t i = 0; i < inner; ++i) py[i] = px[i] * s + t;
    }
}

void global_avgpool_nhwc_f32(const float* x, int64_t n, int64_t pixels, int64_t c,
                             int64_t pixel_stride, float* y) {
  std::vector<double> acc(c);
  for (int64_t b = 0; b < n; ++b) {
    std::fill(acc.begin(), acc.end(), 0.0);
    for (int64_t p = 0; p < pixels; ++p) {
      const float* px = x + (b * pixels + p) * pixel_stride;
      for (int64_t ch = 0; ch < c; ++ch) acc[ch] += px[ch];
    }
    for (int64_t ch = 0; ch < c; ++ch) y[b * c + ch] = static_cast<float>(acc[ch] / pixels);
  }
}

void global_avgpool_nchw_f32(const float* x, int64_t rows, int64_t inner, float* y) {
  for (int64_t r = 0; r < rows; ++r) {
    double acc = 0;
    for (int64_t i = 0; i < inner; ++i) acc += x[r * inner + i];
    y[r] = static_cast<float>(acc / inner);
  }
}

void matmul_f32(const float* a, const int64_t* a_off, const float* b, const int64_t* b_off,
                float* y, int64_t batch, int64_t m, int64_t k, int64_t n) {
  for (int64_t t = 0; t < batch; ++t) {
    const float* pa = a + a_off[t];
    const float* pb = b + b_off[t];
    float* py = y + t * m * n;
    for (int64_t i = 0; i < m; ++i) {
      std::fill(py + i * n, py + (i + 1) * n, 0.f);
      for (int64_t kk = 0; kk < k; ++kk) {
        float av = pa[i * k + kk];
        for (int64_t j = 0; j < n; ++j) py[i * n + j] += av * pb[kk * n + j];
      }
    }
  }
}

void cast(ElemType from, const void* x, ElemType to, void* y, int64_t n) {
  if (from == to) {
    static const int size[] = {4, 2, 1, 1, 4, 8};
    std::memcpy(y, x, n * size[static_cast<int>(from)]);
    return;
  }
  switch (to) {
    case ElemType::f32:
      if (from == ElemType::f16) return convert_f16_to_f32(static_cast<const uint16_t*>(x), static_cast<float*>(y), n);
      return cast_to(from, x, static_cast<float*>(y), n);
    case ElemType::f16:
      if (from == ElemType::f32) return convert_f32_to_f16(static_cast<const float*>(x), static_cast<uint16_t*>(y), n);
      for (int64_t i = 0; i < n; ++i)
        static_cast<uint16_t*>(y)[i] = float_to_half(load_as<float>(from, x, i));
      return;
    case ElemType::s8: return cast_to(from, x, static_cast<int8_t*>(y), n);
    case ElemType::u8: return cast_to(from, x, static_cast<uint8_t*>(y), n);
    case ElemType::s32: return cast_to(from, x, static_cast<int32_t*>(y), n);
    case ElemType::s64: return cast_to(from, x, static_cast<int64_t*>(y), n);
  }
}

}  // namespace qcc::kernels
