#include "kernels/resize.h"

#include <algorithm>
#include <cmath>

namespace qcc::kernels {

namespace {

constexpr int kPrecisionBits = 32 - 8 - 2;

double triangle(double x) {
  x = std::fabs(x);
  return x < 1.0 ? 1.0 - x : 0.0;
}

uint8_t clip8(int64_t v) {
  v >>= kPrecisionBits;
  return static_cast<uint8_t>(std::clamp<int64_t>(v, 0, 255));
}

std::vector<int32_t> fixed_point(const ResampleTaps& t) {
  std::vector<int32_t> k(t.weights.size());
  for (size_t i = 0; i < k.size(); ++i) {
    double w = t.weights[i] * (1 << kPrecisionBits);
    k[i] = static_cast<int32_t>(w < 0 ? w - 0.5 : w + 0.5);
  }
  return k;
}

}  // namespace

ResampleTaps bilinear_aa_taps(int in_size, int out_size) {
  const double scale = static_cast<double>(in_size) / out_size;
  const double filter_scale = std::max(scale, 1.0);  // widen the filter only when shrinking
  const double support = 1.0 * filter_scale;
  ResampleTaps t;
  t.max_count = static_cast<int>(std::ceil(support)) * 2 + 1;
  t.first.resize(out_size);
  t.count.resize(out_size);
  t.weights.assign(static_cast<size_t>(out_size) * t.max_count, 0.0);
  for (int i = 0; i < out_size; ++i) {
    double center = (i + 0.5) * scale;
    int lo = std::max(static_cast<int>(center - support + 0.5), 0);
    int hi = std::min(static_cast<int>(center + support + 0.5), in_size);
    int n = hi - lo;
    double* w = &t.weights[static_cast<size_t>(i) * t.max_count];
    double sum = 0;
    for (int j = 0; j < n; ++j) {
      w[j] = triangle((j + lo - center + 0.5) / filter_scale);
      sum += w[j];
    }
    if (sum != 0)
      for (int j = 0; j < n; ++j) w[j] /= sum;
    t.first[i] = lo;
    t.count[i] = n;
  }
  return t;
}

void resize_bilinear_aa_u8(const uint8_t* src, int w, int h, int ch, uint8_t* dst, int out_w,
                           int out_h) {
  const ResampleTaps tx = bilinear_aa_taps(w, out_w), ty = bilinear_aa_taps(h, out_h);
  const std::vector<int32_t> kx = fixed_point(tx), ky = fixed_point(ty);
  const int64_t rounding = int64_t{1} << (kPrecisionBits - 1);
  // Horizontal pass over the rows the vertical pass reads.
  const int row0 = ty.first[0];
  const int row1 = ty.first[out_h - 1] + ty.count[out_h - 1];
  std::vector<uint8_t> mid(static_cast<size_t>(row1 - row0) * out_w * ch);
  for (int y = row0; y < row1; ++y) {
    const uint8_t* in = src + static_cast<size_t>(y) * w * ch;
    uint8_t* out = &mid[static_cast<size_t>(y - row0) * out_w * ch];
    for (int x = 0; x < out_w; ++x) {
      const int32_t* k = &kx[static_cast<size_t>(x) * tx.max_count];
      for (int c = 0; c < ch; ++c) {
        int64_t acc = rounding;
        for (int j = 0; j < tx.count[x]; ++j) acc += int64_t{in[(tx.first[x] + j) * ch + c]} * k[j];
        out[x * ch + c] = clip8(acc);
      }
    }
  }
  // Vertical pass.
  for (int y = 0; y < out_h; ++y) {
    const int32_t* k = &ky[static_cast<size_t>(y) * ty.max_count];
    uint8_t* out = dst + static_cast<size_t>(y) * out_w * ch;
    for (int x = 0; x < out_w * ch; ++x) {
      int64_t acc = rounding;
      for (int j = 0; j < ty.count[y]; ++j)
        acc += int64_t{mid[static_cast<size_t>(ty.first[y] + j - row0) * out_w * ch + x]} * k[j];
      out[x] = clip8(acc);
    }
  }
}

}  // namespace qcc::kernels
