// qcc run: classify photos with a model and print the top-k classes.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>
#include <numeric>

#include "frontend/onnx_import.h"
#include "runtime/image.h"
#include "runtime/session.h"
#include "tools/commands.h"

namespace qcc {

cli::OptionSpec threads_option() { return {"threads", "N", "worker threads, 0 = all cores", "0"}; }

const cli::CommandSpec& run_spec() {
  static const cli::CommandSpec s = {
      "run", "MODEL.onnx IMAGE...",
      "Classify images (resize 342, center crop 299, ImageNet mean/std) and print the top classes.",
      {{"top", "K", "classes to print per image", "5"},
       {"labels", "FILE", "class names, one per line (line k = class k)", ""},
       threads_option()},
      2};
  return s;
}

namespace {

std::vector<std::string> read_labels(const std::string& path) {
  std::vector<std::string> labels;
  if (path.empty()) return labels;
  std::ifstream f(path);
  if (!f) throw std::runtime_error(path + ": cannot open labels file");
  for (std::string line; std::getline(f, line);) labels.push_back(line);
  return labels;
}

// Softmax of one row unless it already is a probability distribution.
std::vector<double> probabilities(const float* logits, int64_t n) {
  double sum = 0, mx = *std::max_element(logits, logits + n);
  bool is_prob = std::all_of(logits, logits + n, [](float v) { return v >= 0 && v <= 1; });
  std::vector<double> p(n);
  for (int64_t i = 0; i < n; ++i) sum += (p[i] = is_prob ? logits[i] : std::exp(logits[i] - mx));
  for (double& v : p) v /= sum;
  return p;
}

}  // namespace

int run_run(const cli::Args& a) {
  const auto& pos = a.positional();
  const int64_t top = a.integer("top", 5);
  if (top < 1) throw cli::UsageError("--top must be >= 1");
  auto labels = read_labels(a.str("labels"));
  Session session(import_onnx_file(pos[0]), static_cast<int>(a.integer("threads", 0)));
  const Preprocess pre;
  const size_t image = 3 * pre.crop * pre.crop;
  std::vector<std::string> images(pos.begin() + 1, pos.end());
  Tensor batch(DType::f32, {static_cast<int64_t>(images.size()), 3, pre.crop, pre.crop});
  for (size_t i = 0; i < images.size(); ++i) {
    std::string err = load_image(images[i], pre, batch.data<float>() + i * image);
    if (!err.empty()) throw std::runtime_error(images[i] + ": " + err);
  }
  std::vector<Tensor> out = session.run({batch});
  const Tensor& logits = out.at(0);
  if (logits.shape().size() != 2) throw std::runtime_error("model output is not [batch, classes]");
  const int64_t classes = logits.shape()[1];
  for (size_t i = 0; i < images.size(); ++i) {
    auto p = probabilities(logits.data<float>() + i * classes, classes);
    std::vector<int64_t> idx(classes);
    std::iota(idx.begin(), idx.end(), 0);
    int64_t k = std::min<int64_t>(top, classes);
    std::partial_sort(idx.begin(), idx.begin() + k, idx.end(), [&](int64_t x, int64_t y) { return p[x] > p[y]; });
    std::cout << images[i] << "\n";
    for (int64_t j = 0; j < k; ++j) {
      int64_t c = idx[j];
      std::string name = c < static_cast<int64_t>(labels.size()) ? labels[c] : "class " + std::to_string(c);
      std::cout << "  " << cli::fmt(100 * p[c], 2) << "%  " << name << "\n";
    }
  }
  return 0;
}

}  // namespace qcc
