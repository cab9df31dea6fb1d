// Options and inputs several commands share.
#include <fstream>
#include <limits>

#include "frontend/file_io.h"
#include "ir/printable.h"
#include "runtime/session.h"
#include "cli/commands.h"

namespace qcc {

namespace {
constexpr int64_t kMaxInt = std::numeric_limits<int64_t>::max();
}  // namespace

cli::OptionSpec threads_option() {
  cli::OptionSpec o{"threads", "N", "worker threads, 0 = all cores", "0"};
  o.range = {{0, kMaxThreads}};
  return o;
}

int thread_count(const cli::Args& a) {
  return static_cast<int>(a.integer("threads", 0));
}

cli::OptionSpec max_model_bytes_option() {
  cli::OptionSpec o{"max-model-bytes", "N",
                    "largest model data and per-batch working memory, in bytes",
                    std::to_string(kDefaultMaxModelBytes)};
  o.range = {{1, kMaxInt}};
  return o;
}

ImportOptions import_options(const cli::Args& a) {
  ImportOptions o;
  o.max_bytes = static_cast<uint64_t>(
      a.integer("max-model-bytes", static_cast<int64_t>(kDefaultMaxModelBytes)));
  return o;
}

cli::OptionSpec max_image_pixels_option() {
  cli::OptionSpec o{"max-image-pixels", "N", "largest image accepted (pixels, decoded or resized)",
                    std::to_string(kDefaultMaxImagePixels)};
  o.range = {{1, kMaxInt}};
  return o;
}

Preprocess preprocess_options(const cli::Args& a) {
  Preprocess p;
  p.max_pixels = a.integer("max-image-pixels", kDefaultMaxImagePixels);
  return p;
}

std::vector<std::string> read_lines(const std::string& path) {
  regular_file_size(path, uint64_t{64} << 20);
  std::ifstream f(path);
  if (!f) throw std::runtime_error(printable(path) + ": cannot open");
  std::vector<std::string> lines;
  for (std::string line; std::getline(f, line);) lines.push_back(line);
  return lines;
}

const Tensor& class_scores(const std::vector<Tensor>& outputs, int64_t rows) {
  if (outputs.empty()) throw std::runtime_error("the model has no outputs");
  const Tensor& t = outputs[0];
  const Shape& s = t.shape();
  if (t.dtype() != DType::f32 || s.size() != 2 || s[0] != rows || s[1] < 1)
    throw std::runtime_error("model output is " + std::string(dtype_name(t.dtype())) +
                             shape_str(s) + ", expected f32 [" + std::to_string(rows) +
                             " images, classes]");
  return t;
}

}  // namespace qcc
