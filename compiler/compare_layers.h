// Per-layer comparison of a quantized model with its float original on real images: for every
// quantized activation, how far its dequantized values are from the float ones (SQNR, cosine
// similarity) and how much of the float range its scale clips -- the C++ counterpart of ONNX
// Runtime's qdq_loss_debug. Values are matched by name: a quantized value produced by
// QuantizeLinear is compared with the float value that QuantizeLinear reads.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "ir/tensor.h"
#include "runtime/image.h"

namespace qcc {

struct LayerError {
  std::string name;      ///< the float value's name
  std::string producer;  ///< the op computing it in the quantized model ("Conv 'x'")
  int64_t elements = 0;
  double sqnr_db = 0;      ///< 10 log10(sum x^2 / sum (q - x)^2); 999 when exact
  double cosine = 0;       ///< cosine similarity of the dequantized and float values
  double clipped_pct = 0;  ///< float values outside the range the quantized type can hold
};

struct ModelComparison {
  /// Matched quantized values, and the float outputs of int8 layers (the classifier's logits),
  /// in the quantized graph's order.
  std::vector<LayerError> layers;
  int64_t unmatched = 0;           ///< quantized values with no float counterpart of that name/shape
  int64_t images = 0;                     ///< input rows compared
  int64_t top1_rows = 0, top1_agree = 0;  ///< argmax agreement of the first outputs (2-D)
  double output_sqnr_db = 0;              ///< of the first output
};

/// The quantized value for each float value name: from every QuantizeLinear in `quantized` (an
/// imported, not yet optimized graph), output name -> the name of the float value it reads.
std::vector<std::pair<std::string, std::string>> quantized_value_sources(const Graph& quantized);

/// Feeds input batches to a consumer, one after another.
using BatchSource = std::function<void(const std::function<void(const Tensor&)>&)>;

/// Batches of `images` decoded and preprocessed by `pre`; undecodable images are
/// appended to `*skipped`; `progress` gets the number of images done.
BatchSource image_batches(const std::vector<std::string>& images, int batch, const Preprocess& pre,
                          std::vector<std::string>* skipped, std::function<void(int64_t)> progress);

/// Runs every batch through both models (`fp32` and `quantized` as imported; both are optimized
/// and lowered here) and compares every matched quantized activation and the first outputs.
ModelComparison compare_models(const Graph& fp32, const Graph& quantized, const BatchSource& batches, int threads);

}  // namespace qcc
