// The input moments GPTQ rounds weights with (compiler/gptq.h): for every Conv/Gemm of an FP32
// graph, the sum of x xᵀ over the vectors its weights multiply (a conv's im2col patches, ordered
// as its [O][I][kh][kw] weights, a Gemm's rows), streamed over calibration images. A window of K
// elements makes a K × K matrix, so memory is fixed by the model, not by the image count.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "compiler/gptq.h"
#include "ir/graph.h"
#include "passes/quant_math.h"
#include "runtime/image.h"
#include "runtime/session.h"

namespace qcc {

using LayerMoments = std::map<std::string, std::shared_ptr<const InputMoments>>;  ///< by node name

class InputMomentsCollector {
 public:
  /// `optimized`: an FP32 graph after the optimization pipeline (what quantize_from_profile
  /// rewrites). At most `positions` output positions of each image count (spread evenly).
  InputMomentsCollector(const Graph& optimized, int64_t positions, int threads);
  /// Runs one preprocessed batch through the graph and adds its layers' inputs.
  void add_batch(const Tensor& batch);
  /// The moments by Conv/Gemm node name; layers reading one value through the same window share
  /// one matrix. Grouped convs and Gemms whose weights are not [N, K] (transB) have none.
  LayerMoments take();

 private:
  struct Window {
    int64_t in_c = 0, k_h = 1, k_w = 1, stride_h = 1, stride_w = 1, dil_h = 1, dil_w = 1;
    int64_t pad_t = 0, pad_l = 0, pad_b = 0, pad_r = 0;
    bool gemm = false;
    int64_t size() const { return in_c * k_h * k_w; }
  };
  void add(const Window& w, InputMoments& m, const Bound& b, bool nchw);

  int64_t positions_;
  Session session_;
  std::multimap<std::string, std::string> keys_by_value_;  // value name -> window keys reading it
  std::map<std::string, Window> windows_;                  // window key -> geometry
  std::map<std::string, std::string> key_of_layer_;        // node name -> window key
  std::map<std::string, InputMoments> sums_;               // window key -> moments
};

/// GPTQ rounding of a model's layers from their moments, each layer's result kept for the next
/// model that quantizes it the same way (mixed precision builds one trial model per layer).
class GptqRounding {
 public:
  explicit GptqRounding(LayerMoments moments) : moments_(std::move(moments)) {}
  /// Re-rounds `wq` (scales kept) for layer `node`; false where it has no moments.
  bool round(const std::string& node, const std::vector<float>& w, const WeightLayout& l,
             int levels, WeightQuant& wq) const;

 private:
  struct Done {
    std::vector<float> scale;
    int levels;
    std::vector<int8_t> q;
  };
  LayerMoments moments_;
  mutable std::mutex mu_;
  mutable std::map<std::string, Done> done_;
};

/// Moments of `optimized`'s layers on `images` (decoded and preprocessed by `pre`, `batch` at a
/// time); `progress` gets the images done.
LayerMoments collect_input_moments(const Graph& optimized, const std::vector<std::string>& images,
                                   int batch, int threads, const Preprocess& pre, int64_t positions,
                                   const std::function<void(int64_t)>& progress);

}  // namespace qcc
