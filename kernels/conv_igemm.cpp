#include "kernels/conv_igemm.h"

#include <algorithm>
#include <cstring>

#include "ir/saturate.h"
#include "kernels/convert.h"

namespace qcc::kernels {

namespace {

// Bytes of one A element as the micro-kernel reads it (f16 input is converted to f32 rows).
int a_elem_bytes(GemmType t) { return t.q8() ? 1 : 4; }
// Bytes of one element of the input tensor (and of B).
int in_elem_bytes(GemmType t) { return t.a == AType::f32 ? 4 : t.a == AType::f16 ? 2 : 1; }
int b_elem_bytes(GemmType t) { return in_elem_bytes(t); }
int out_elem_bytes(GemmType t) { return t.c == CType::f32 ? 4 : t.c == CType::f16 ? 2 : 1; }

int64_t packed_row_elems(const ConvArgs& a) { return a.w->k_padded; }

// Input pointer of output row m at tap (i, j), or the zero row when the tap falls in padding.
const uint8_t* tap_row(const ConvArgs& a, int64_t m, int64_t i, int64_t j) {
  const ConvGeom& g = a.g;
  int64_t ow = m % g.out_w, t = m / g.out_w;
  int64_t oh = t % g.out_h, n = t / g.out_h;
  int64_t ih = oh * g.stride_h - g.pad_t + i * g.dil_h;
  int64_t iw = ow * g.stride_w - g.pad_l + j * g.dil_w;
  if (ih < 0 || ih >= g.in_h || iw < 0 || iw >= g.in_w) return static_cast<const uint8_t*>(a.zero_row);
  int64_t pixel = (n * g.in_h + ih) * g.in_w + iw;
  return static_cast<const uint8_t*>(a.in) + pixel * g.in_pixel_stride * in_elem_bytes(a.w->type);
}

// im2col of one output row into dst (k_padded elements of the micro-kernel's A type).
void pack_row(const ConvArgs& a, int64_t m, uint8_t* dst) {
  const ConvGeom& g = a.g;
  const int64_t c = g.in_c;
  const int eb = a_elem_bytes(a.w->type);
  uint8_t* p = dst;
  for (int64_t i = 0; i < g.k_h; ++i)
    for (int64_t j = 0; j < g.k_w; ++j) {
      const uint8_t* src = tap_row(a, m, i, j);
      if (a.w->type.a == AType::f16) {
        convert_f16_to_f32(reinterpret_cast<const uint16_t*>(src), reinterpret_cast<float*>(p), c);
      } else if (a.w->uk.flip_signed_input) {
        for (int64_t x = 0; x < c; ++x) p[x] = src[x] ^ 0x80;
      } else {
        std::memcpy(p, src, c * eb);
      }
      p += c * eb;
    }
  std::memset(p, 0, (a.w->k_padded - g.k()) * eb);
}

}  // namespace

const uint8_t* PackedWeights::panel(int64_t p) const {
  return b.data() + p * k_padded * uk.nr * b_elem_bytes(type);
}

void pack_b(const void* src, int64_t n, int64_t k, int64_t stride_n, int64_t stride_k, GemmType t,
            const Ukernel& uk, PackedWeights& out) {
  const int elem = b_elem_bytes(t), nr = uk.nr;
  out.type = t;
  out.uk = uk;
  out.n = n;
  out.k = k;
  out.k_padded = elem == 1 ? (k + 3) / 4 * 4 : k;
  out.panels = (n + nr - 1) / nr;
  out.b.assign(out.panels * out.k_padded * nr * elem, 0);
  const uint8_t* s = static_cast<const uint8_t*>(src);
  for (int64_t col = 0; col < n; ++col) {
    int64_t p = col / nr, j = col % nr;
    uint8_t* panel = out.b.data() + p * out.k_padded * nr * elem;
    for (int64_t kk = 0; kk < k; ++kk) {
      // float: [k][nr]; int8: [k/4][nr][4]
      int64_t idx = elem == 1 ? (kk / 4) * nr * 4 + j * 4 + kk % 4 : kk * nr + j;
      std::memcpy(panel + idx * elem, s + (col * stride_n + kk * stride_k) * elem, elem);
    }
  }
  bool q8 = elem == 1;
  out.bias_f32.assign(q8 ? 0 : out.panels * nr, 0.f);
  out.bias_s32.assign(q8 ? out.panels * nr : 0, 0);
  out.scale.assign(q8 ? out.panels * nr : 0, 0.f);
}

void set_q8_epilogue(PackedWeights& w, const int32_t* bias, const float* scale, int32_t input_zero) {
  const int nr = w.uk.nr;
  const int64_t offset = input_zero + (w.uk.flip_signed_input && w.type.a == AType::s8 ? 128 : 0);
  for (int64_t col = 0; col < w.n; ++col) {
    int64_t p = col / nr, j = col % nr;
    int64_t sum = 0;
    if (offset) {
      const int8_t* panel = reinterpret_cast<const int8_t*>(w.panel(p));
      for (int64_t kk = 0; kk < w.k_padded; ++kk) sum += panel[(kk / 4) * nr * 4 + j * 4 + kk % 4];
    }
    w.bias_s32[p * nr + j] = saturate_cast<int32_t>(static_cast<double>(bias[col]) - static_cast<double>(offset * sum));
    w.scale[p * nr + j] = scale[col];
  }
}

void oihw_to_ohwi(const void* src, void* dst, int64_t o, int64_t i, int64_t taps, int eb) {
  const uint8_t* s = static_cast<const uint8_t*>(src);
  uint8_t* d = static_cast<uint8_t*>(dst);
  for (int64_t a = 0; a < o; ++a)
    for (int64_t c = 0; c < i; ++c)
      for (int64_t t = 0; t < taps; ++t)
        std::memcpy(d + ((a * taps + t) * i + c) * eb, s + ((a * i + c) * taps + t) * eb, eb);
}

bool conv_needs_packing(GemmType t, const Ukernel& uk, int64_t in_c) {
  if (t.a == AType::f32) return in_c < 48;  // short per-tap rows: one contiguous K row is faster
  if (t.a == AType::f16) return true;       // rows are converted to f32
  return uk.flip_signed_input || in_c % 4 != 0;  // 4-byte groups must not straddle taps
}

int64_t conv_chunk_rows(const ConvArgs& a) {
  int64_t row_bytes = std::max<int64_t>(1, a.w->k_padded * a_elem_bytes(a.w->type));
  int64_t mr = a.w->uk.mr;
  int64_t tiles = std::clamp<int64_t>((256 << 10) / (row_bytes * mr), 1, 16);
  return tiles * mr;
}

size_t conv_scratch_bytes(const ConvArgs& a, int64_t rows) {
  const int64_t mr = a.w->uk.mr;
  int64_t tiles = (rows + mr - 1) / mr;
  size_t ptrs = tiles * a.g.taps() * mr * sizeof(void*);
  size_t packed = a.pack_a ? tiles * mr * packed_row_elems(a) * a_elem_bytes(a.w->type) : 0;
  return ptrs + packed + 64;
}

void conv_run(const ConvArgs& a, int64_t m_begin, int64_t m_end, int64_t p_begin, int64_t p_end,
              void* scratch) {
  const ConvGeom& g = a.g;
  const Ukernel& uk = a.w->uk;
  const int mr = uk.mr, nr = uk.nr;
  const int64_t rows = m_end - m_begin;
  const int64_t tiles = (rows + mr - 1) / mr;
  const int taps = a.pack_a ? 1 : static_cast<int>(g.taps());
  const void** ptrs = static_cast<const void**>(scratch);
  uint8_t* packed = reinterpret_cast<uint8_t*>(ptrs + tiles * taps * mr);
  const int64_t row_bytes = packed_row_elems(a) * a_elem_bytes(a.w->type);

  // Row pointers per tile: [tile][tap][r]; rows past m_end repeat the last valid row.
  for (int64_t t = 0; t < tiles; ++t) {
    const void** tile = ptrs + t * taps * mr;
    for (int r = 0; r < mr; ++r) {
      int64_t m = m_begin + t * mr + r;
      if (m >= m_end) {
        for (int tap = 0; tap < taps; ++tap) tile[tap * mr + r] = tile[tap * mr + r - 1];
      } else if (a.pack_a) {
        uint8_t* dst = packed + (t * mr + r) * row_bytes;
        pack_row(a, m, dst);
        tile[r] = dst;
      } else {
        for (int64_t i = 0, tap = 0; i < g.k_h; ++i)
          for (int64_t j = 0; j < g.k_w; ++j, ++tap) tile[tap * mr + r] = tap_row(a, m, i, j);
      }
    }
  }

  const bool is_q8 = a.w->type.q8();
  const int ob = out_elem_bytes(a.w->type);
  UkernelArgs u;
  u.taps = taps;
  u.kc = a.pack_a ? a.w->k_padded : g.in_c;
  u.ldc = g.out_pixel_stride;
  u.lo = a.lo;
  u.hi = a.hi;
  u.zero = a.out_zero;
  u.mr = mr;
  u.nr = nr;
  for (int64_t p = p_begin; p < p_end; ++p) {
    u.n = static_cast<int>(std::min<int64_t>(nr, a.w->n - p * nr));
    u.b = a.w->panel(p);
    if (is_q8) {
      u.bias = a.w->bias_s32.data() + p * nr;
      u.scale = a.w->scale.data() + p * nr;
    } else {
      u.bias = a.w->bias_f32.data() + p * nr;
    }
    for (int64_t t = 0; t < tiles; ++t) {
      int64_t m0 = m_begin + t * mr;
      u.m = static_cast<int>(std::min<int64_t>(mr, m_end - m0));
      u.a = ptrs + t * taps * mr;
      u.c = static_cast<uint8_t*>(a.out) + (m0 * g.out_pixel_stride + p * nr) * ob;
      uk.fn(u);
    }
  }
}

}  // namespace qcc::kernels
