// GPTQ weight rounding (Frantar et al., "GPTQ: Accurate Post-Training Quantization for Generative
// Pre-trained Transformers", 2022, after their Optimal Brain Quantization): a layer's weights are
// rounded one input column at a time, and each column's rounding error is spread over the columns
// not yet rounded, weighted by how the layer's inputs co-vary (H = E[x xᵀ] over calibration
// data). What it minimises is the error of the layer's outputs on that data, not each weight's
// own error, which round-to-nearest minimises. Scales stay as they are; only the integers change.
#pragma once

#include <cstdint>
#include <vector>

namespace qcc {

/// Second moments of a layer's input vectors (im2col patches for a conv, rows for a Gemm):
/// sum over samples of x xᵀ, `size` × `size` row-major, and how many samples were summed.
struct InputMoments {
  int64_t size = 0;
  int64_t samples = 0;
  std::vector<double> sum_xxt;
};

/// Rounds `w` (rows × cols row-major: row r is output channel r, col c multiplies input element c)
/// onto [-levels, levels] in units of `scale` (one per row, or one for all) with GPTQ under the
/// input moments `m` (m.size == cols). `damp` (a fraction of H's mean diagonal added to it) keeps
/// the factorisation stable where inputs are (nearly) collinear. Inputs never seen non-zero keep
/// their round-to-nearest value.
std::vector<int8_t> gptq_round(const std::vector<float>& w, int64_t rows, int64_t cols,
                               const std::vector<float>& scale, const InputMoments& m, int levels,
                               double damp = 0.01);

/// (w - q·s)ᵀ H (w - q·s) summed over rows: the output error energy a rounding leaves on the data
/// `m` describes (per sample). What gptq_round lowers against round-to-nearest.
double output_error(const std::vector<float>& w, const std::vector<int8_t>& q, int64_t rows,
                    int64_t cols, const std::vector<float>& scale, const InputMoments& m);

}  // namespace qcc
