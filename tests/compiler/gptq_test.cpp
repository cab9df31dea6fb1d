// GPTQ weight rounding (compiler/gptq.h) and the input moments it rounds with
// (compiler/input_moments.h), against plain references.
#include "compiler/gptq.h"

#include <gtest/gtest.h>

#include <random>

#include "compiler/input_moments.h"
#include "graph_builder.h"
#include "passes/quant_math.h"
#include "small_models.h"

namespace qcc {
namespace {

// Moments of `samples` random inputs of `cols` elements; `mix` > 0 makes neighbours correlated.
InputMoments random_moments(int64_t cols, int64_t samples, float mix, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> n(0.f, 1.f);
  InputMoments m{cols, samples, std::vector<double>(cols * cols, 0.0)};
  std::vector<double> x(cols);
  for (int64_t s = 0; s < samples; ++s) {
    double prev = 0;
    for (int64_t c = 0; c < cols; ++c) x[c] = prev = mix * prev + n(rng);
    for (int64_t i = 0; i < cols; ++i)
      for (int64_t j = 0; j < cols; ++j) m.sum_xxt[i * cols + j] += x[i] * x[j];
  }
  return m;
}

std::vector<float> random_weights(int64_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  std::vector<float> w(n);
  for (float& x : w) x = u(rng);
  return w;
}

TEST(GptqTest, UncorrelatedInputsRoundToNearest) {
  const int64_t rows = 7, cols = 37;
  const std::vector<float> w = random_weights(rows * cols, 1);
  const WeightQuant rtn = quantize_weights(w, rows, true);
  InputMoments m{cols, 1, std::vector<double>(cols * cols, 0.0)};
  for (int64_t i = 0; i < cols; ++i)
    m.sum_xxt[i * cols + i] = 1.0 + i;  // diagonal: nothing to spread
  EXPECT_EQ(gptq_round(w, rows, cols, rtn.scale, m, 127), rtn.q);
}

TEST(GptqTest, CorrelatedInputsLowerTheOutputError) {
  for (int levels : {127, 63}) {
    for (auto [rows, cols] : {std::pair<int64_t, int64_t>{5, 19}, {33, 70}, {16, 129}}) {
      const std::vector<float> w = random_weights(rows * cols, static_cast<uint32_t>(rows + cols));
      const WeightQuant rtn = quantize_weights(w, rows, true, {}, levels);
      const InputMoments m = random_moments(cols, 400, 0.9f, static_cast<uint32_t>(cols));
      const std::vector<int8_t> q = gptq_round(w, rows, cols, rtn.scale, m, levels);
      for (int8_t v : q) ASSERT_LE(std::abs(int{v}), levels);
      const double before = output_error(w, rtn.q, rows, cols, rtn.scale, m);
      const double after = output_error(w, q, rows, cols, rtn.scale, m);
      EXPECT_LT(after, 0.8 * before) << rows << "x" << cols << " levels " << levels;
    }
  }
}

TEST(GptqTest, InputsNeverSeenKeepNearestAndSizesAreChecked) {
  const int64_t rows = 3, cols = 6;
  const std::vector<float> w = random_weights(rows * cols, 3);
  const WeightQuant rtn = quantize_weights(w, 1, false);  // one scale for all rows
  InputMoments m = random_moments(cols, 50, 0.5f, 4);
  for (int64_t j = 0; j < cols; ++j)
    m.sum_xxt[2 * cols + j] = m.sum_xxt[j * cols + 2] = 0;  // input 2 always 0
  const std::vector<int8_t> q = gptq_round(w, rows, cols, rtn.scale, m, 127);
  for (int64_t r = 0; r < rows; ++r) EXPECT_EQ(q[r * cols + 2], rtn.q[r * cols + 2]);
  EXPECT_THROW(gptq_round(w, rows, cols + 1, rtn.scale, m, 127), std::invalid_argument);
}

// x (NCHW) -> conv 3x3 pad 1 stride 2 -> relu -> two 1x1 convs; conv1's output is also a graph
// output, so the test can see what the 1x1 convs read.
Graph two_level_graph() {
  test::GraphBuilder b(7);
  Value* x = b.input("x", {kDynamicDim, 3, 9, 9});
  Node* c1 = b.conv(x, 4, 3, 1, 2);
  c1->activation = Activation::relu;
  Node* c2 = b.conv(c1->out(), 5, 1);
  Node* c3 = b.conv(c1->out(), 6, 1);
  b.output(c1->out());
  b.output(c2->out());
  b.output(c3->out());
  return b.take();
}

TEST(InputMomentsTest, MatchPatchesComputedDirectly) {
  Graph g = two_level_graph();
  std::vector<std::string> convs;
  for (const auto& n : g.nodes()) convs.push_back(n->name);
  const Tensor x = test::random_tensor({2, 3, 9, 9}, 11, -1.f, 1.f);
  InputMomentsCollector c(g, 1000, 2);
  c.add_batch(x);
  const LayerMoments m = c.take();
  ASSERT_EQ(m.size(), 3u);

  // The first conv: 3x3 windows of x, zero outside, [c][ky][kx] order; 5 x 5 positions per image.
  const InputMoments& first = *m.at(convs[0]);
  ASSERT_EQ(first.size, 27);
  EXPECT_EQ(first.samples, 2 * 25);
  std::vector<double> want(27 * 27, 0.0), p(27);
  for (int64_t img = 0; img < 2; ++img)
    for (int64_t oy = 0; oy < 5; ++oy)
      for (int64_t ox = 0; ox < 5; ++ox) {
        for (int64_t ch = 0; ch < 3; ++ch)
          for (int64_t ky = 0; ky < 3; ++ky)
            for (int64_t kx = 0; kx < 3; ++kx) {
              const int64_t y = oy * 2 - 1 + ky, xx = ox * 2 - 1 + kx;
              p[(ch * 3 + ky) * 3 + kx] = y < 0 || y >= 9 || xx < 0 || xx >= 9
                                              ? 0.0
                                              : x.data<float>()[((img * 3 + ch) * 9 + y) * 9 + xx];
            }
        for (int i = 0; i < 27; ++i)
          for (int j = 0; j < 27; ++j) want[i * 27 + j] += p[i] * p[j];
      }
  for (int i = 0; i < 27 * 27; ++i) EXPECT_NEAR(first.sum_xxt[i], want[i], 1e-4) << i;

  // The 1x1 convs read conv1's output (NHWC inside the plan) and share one matrix.
  EXPECT_EQ(m.at(convs[1]), m.at(convs[2]));
  const InputMoments& inner = *m.at(convs[1]);
  Session s(g.clone(), 2);
  const Tensor y = s.run({x}).at(0);  // [2, 4, 5, 5]
  ASSERT_EQ(inner.size, 4);
  EXPECT_EQ(inner.samples, 2 * 25);
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) {
      double sum = 0;
      for (int64_t img = 0; img < 2; ++img)
        for (int64_t px = 0; px < 25; ++px)
          sum += double{y.data<float>()[(img * 4 + i) * 25 + px]} *
                 y.data<float>()[(img * 4 + j) * 25 + px];
      EXPECT_NEAR(inner.sum_xxt[i * 4 + j], sum, 1e-3 * (1 + std::abs(sum))) << i << "," << j;
    }
}

TEST(InputMomentsTest, PositionsAreCappedPerImage) {
  InputMomentsCollector c(two_level_graph(), 7, 2);
  c.add_batch(test::random_tensor({3, 3, 9, 9}, 12, -1.f, 1.f));
  for (const auto& [layer, m] : c.take()) EXPECT_EQ(m->samples, 3 * 7) << layer;
}

TEST(InputMomentsTest, GptqRoundsEveryLayerOfASmallModel) {
  Graph g = test::small_inception(), q = g.clone();
  InputMomentsCollector c(g, 64, 2);
  for (uint32_t s = 0; s < 4; ++s) c.add_batch(test::small_images(8, s));
  const GptqRounding gptq(c.take());
  Int8CompileOptions o;
  o.gptq = &gptq;
  const Int8Report r = quantize_from_profile(q, test::small_profile(g), o);
  ASSERT_EQ(r.layers.size(), 6u);
  for (const auto& l : r.layers) EXPECT_TRUE(l.gptq) << l.name;
}

}  // namespace
}  // namespace qcc
