// qcc run: classify photos with a model and print the top-k classes.
#include <algorithm>
#include <cmath>
#include <iostream>
#include <numeric>

#include "ir/printable.h"
#include "runtime/batch_loader.h"
#include "runtime/session.h"
#include "cli/commands.h"

namespace qcc {

const cli::CommandSpec& run_spec() {
  static const cli::CommandSpec s = {
      "run", "MODEL.onnx IMAGE...",
      "Classify images (resize 342, center crop 299, ImageNet mean/std) and print the top classes.\n"
      "An image that cannot be read is reported and skipped; the exit code is then 1.",
      {{"top", "K", "classes to print per image", "5"},
       {"labels", "FILE", "class names, one per line (line k = class k)", ""},
       {"batch", "N", "images per inference batch (bounds the memory)", "8", {{1, 4096}}},
       threads_option(),
       max_model_bytes_option(),
       max_image_pixels_option()},
      2};
  return s;
}

namespace {

// Softmax of one row unless it already is a probability distribution.
std::vector<double> probabilities(const float* logits, int64_t n) {
  double sum = 0, mx = *std::max_element(logits, logits + n);
  bool is_prob = std::all_of(logits, logits + n, [](float v) { return v >= 0 && v <= 1; });
  std::vector<double> p(n);
  for (int64_t i = 0; i < n; ++i) sum += (p[i] = is_prob ? logits[i] : std::exp(logits[i] - mx));
  for (double& v : p) v /= sum;
  return p;
}

void print_top(const std::string& image, const float* logits, int64_t classes, int64_t top,
               const std::vector<std::string>& labels) {
  auto p = probabilities(logits, classes);
  std::vector<int64_t> idx(classes);
  std::iota(idx.begin(), idx.end(), 0);
  int64_t k = std::min<int64_t>(top, classes);
  std::partial_sort(idx.begin(), idx.begin() + k, idx.end(), [&](int64_t x, int64_t y) { return p[x] > p[y]; });
  std::cout << image << "\n";
  for (int64_t j = 0; j < k; ++j) {
    int64_t c = idx[j];
    std::string name = c < static_cast<int64_t>(labels.size()) ? labels[c] : "class " + std::to_string(c);
    std::cout << "  " << cli::fmt(100 * p[c], 2) << "%  " << name << "\n";
  }
}

}  // namespace

int run_run(const cli::Args& a) {
  const auto& pos = a.positional();
  const int64_t top = a.integer("top", 5);
  if (top < 1) throw cli::UsageError("--top must be >= 1");
  const auto labels = a.has("labels") ? read_lines(a.str("labels")) : std::vector<std::string>{};
  const ImportOptions io = import_options(a);
  Session session(import_onnx_file(pos[0], io), thread_count(a), true, io.max_bytes);
  const std::vector<std::string> images(pos.begin() + 1, pos.end());
  int64_t failed = 0;
  // Batches bound the memory: a long list of images is never one tensor.
  session.arena().execute([&] {
    for_each_batch(images, static_cast<int>(a.integer("batch", 8)), preprocess_options(a), 1, [&](Batch& b) {
      for (auto& [i, why] : b.failed) std::cerr << printable(images[i]) << ": " << why << "\n";
      failed += static_cast<int64_t>(b.failed.size());
      if (b.indices.empty()) return;
      const std::vector<Tensor> out = session.run({b.input});
      const Tensor& logits = class_scores(out, b.input.shape()[0]);
      const int64_t classes = logits.shape()[1];
      for (size_t row = 0; row < b.indices.size(); ++row)
        print_top(images[b.indices[row]], logits.data<float>() + row * classes, classes, top, labels);
    });
  });
  if (failed)
    throw std::runtime_error(std::to_string(failed) + " of " + std::to_string(images.size()) +
                             " image(s) could not be read (listed above)");
  return 0;
}

}  // namespace qcc
