// qcc's runtime as a library: load an ONNX model (FP32, or the FP16 and INT8 files `qcc compile`
// writes), run it on float tensors or on image files, and read its outputs.
//
//   #include <qcc/session.h>
//
//   qcc::runtime::Session model("model_int8.onnx", {.threads = 4});
//   std::vector<qcc::runtime::Tensor> out = model.run_image("cat.jpg");  // out[0]: [1, classes]
//
// CMake: find_package(qcc) then target_link_libraries(app PRIVATE qcc::runtime). Every failure
// throws qcc::runtime::Error whose message is the one line the qcc command prints after
// "error: ", naming the file (and the node, op or image) at fault.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#define QCC_API __attribute__((visibility("default")))

namespace qcc::runtime {

/// A dense, row-major float tensor.
struct Tensor {
  std::vector<int64_t> shape;
  std::vector<float> data;  ///< the product of `shape` values
};

/// What every function of the library throws on failure: a one-line message naming the culprit.
class QCC_API Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what);
  ~Error() override;
};

struct Options {
  int threads = 0;  ///< worker threads; 0 = all cores (at most 1024)
  /// Bound on the model's constant data and on one run's working memory (qcc --max-model-bytes).
  uint64_t max_model_bytes = uint64_t{4} << 30;
  /// Largest image accepted, decoded or resized, in pixels (qcc --max-image-pixels).
  int64_t max_image_pixels = 64'000'000;
};

/// A loaded model, optimized and lowered for this CPU (as `qcc run` loads it). Runs are
/// deterministic: the same inputs give the same outputs whatever the thread count. One session
/// runs one call at a time; use a session per thread to run concurrently.
class QCC_API Session {
 public:
  /// Loads and checks the model file (external data is read from its folder).
  explicit Session(const std::string& model_path, const Options& options = {});
  ~Session();
  Session(Session&&) noexcept;
  Session& operator=(Session&&) noexcept;

  /// Runs the model: one tensor per model input, in order (any batch size the model accepts);
  /// returns the model's outputs, in order, as floats.
  std::vector<Tensor> run(const std::vector<Tensor>& inputs);
  /// An image file (JPEG, PNG, BMP, PNM) decoded and preprocessed as `qcc run` does -- RGB, the
  /// shorter side resized to 342 (Pillow's antialiased bilinear), center crop 299, ImageNet
  /// mean/std -- as a [1, 3, 299, 299] tensor.
  Tensor load_image(const std::string& path) const;
  /// run({load_image(path)}).
  std::vector<Tensor> run_image(const std::string& path);

  int threads() const;
  std::vector<std::string> input_names() const;
  std::vector<std::string> output_names() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The library's version, "MAJOR.MINOR.PATCH".
QCC_API const char* version();

}  // namespace qcc::runtime
