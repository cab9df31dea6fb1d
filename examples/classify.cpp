// classify: a program on qcc's runtime library -- the five most likely classes of an image, in the
// format `qcc run` prints (softmax of the scores, in %).
//
//   classify MODEL.onnx IMAGE [THREADS]
//
// Build against an installed qcc (examples/CMakeLists.txt): find_package(qcc), link qcc::runtime.
#include <qcc/session.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <numeric>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 3 || argc > 4) {
    std::fprintf(stderr, "usage: classify MODEL.onnx IMAGE [THREADS]\n");
    return 2;
  }
  try {
    qcc::runtime::Options options;
    if (argc == 4) options.threads = std::stoi(argv[3]);
    qcc::runtime::Session model(argv[1], options);
    const std::vector<qcc::runtime::Tensor> outputs = model.run_image(argv[2]);
    const std::vector<float>& scores = outputs.at(0).data;  // [1, classes]

    // Softmax, then the five best classes.
    const double top = *std::max_element(scores.begin(), scores.end());
    std::vector<double> p(scores.size());
    double sum = 0;
    for (size_t i = 0; i < p.size(); ++i) sum += (p[i] = std::exp(scores[i] - top));
    for (double& v : p) v /= sum;
    std::vector<size_t> order(p.size());
    std::iota(order.begin(), order.end(), 0);
    const size_t k = std::min<size_t>(5, order.size());
    std::partial_sort(order.begin(), order.begin() + k, order.end(),
                      [&](size_t a, size_t b) { return p[a] > p[b]; });

    std::printf("%s\n", argv[2]);
    for (size_t j = 0; j < k; ++j)
      std::printf("  %.2f%%  class %zu\n", 100 * p[order[j]], order[j]);
  } catch (const qcc::runtime::Error& e) {
    std::fprintf(stderr, "classify: error: %s\n", e.what());  // the line qcc itself prints
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "classify: error: %s\n", e.what());
    return 1;
  }
  return 0;
}
