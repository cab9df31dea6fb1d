// Per-layer comparison: every quantized value is listed in graph order, a deliberately
// mis-scaled layer comes out worst, and values are matched by what QuantizeLinear reads, not by
// how the quantized values are named.
#include <gtest/gtest.h>

#include <algorithm>

#include "compiler/compare_layers.h"
#include "small_models.h"

namespace qcc {
namespace {

Graph quantized_small_inception(const Graph& g) {
  Graph q = g.clone();
  Int8CompileOptions o;
  o.calib = *CalibSpec::parse("minmax");
  quantize_from_profile(q, test::small_profile(g), o);
  return q;
}

BatchSource random_batches(int n) {
  return [n](const std::function<void(const Tensor&)>& consume) {
    for (int i = 0; i < n; ++i) consume(test::small_images(4, 1000 + i));
  };
}

// The QuantizeLinear quantizing the output of node `producer`.
Node* quantize_of(Graph& g, const std::string& producer) {
  for (const auto& n : g.nodes())
    if (n->op == Op::QuantizeLinear && n->in(0)->producer && n->in(0)->producer->name == producer) return n.get();
  return nullptr;
}

TEST(CompareLayersTest, ListsEveryQuantizedValueAndRanksAMisScaledOneWorst) {
  Graph g = test::small_inception();
  Graph q = quantized_small_inception(g);
  const size_t quantized = quantized_value_sources(q).size() + 1;  // + the classifier's float output
  ModelComparison good = compare_models(g, q, random_batches(3), 2);
  EXPECT_EQ(good.layers.size(), quantized);
  EXPECT_EQ(good.unmatched, 0);
  EXPECT_EQ(good.images, 12);
  EXPECT_EQ(good.layers.back().name, g.outputs[0]->name);
  EXPECT_EQ(good.top1_rows, 12);
  for (const LayerError& e : good.layers) {
    EXPECT_GT(e.sqnr_db, 20) << e.name;
    EXPECT_GT(e.cosine, 0.99) << e.name;
  }

  // The 1x1 branch conv before the concat gets a scale 20x too small: it clips nearly all. (Its
  // neighbours then see the damage diluted by the other branch's channels.)
  Node* qn = quantize_of(q, "Conv_2");
  ASSERT_NE(qn, nullptr);
  const std::string victim = qn->in(0)->name;
  Value* bad_scale = q.add_constant("bad_scale", Tensor::from_floats({}, {qn->in(1)->data->to_floats()[0] / 20}));
  for (Node* u : q.users(qn->out(0))) u->inputs[1] = bad_scale;  // its DequantizeLinear
  qn->inputs[1] = bad_scale;
  ModelComparison bad = compare_models(g, q, random_batches(3), 2);
  ASSERT_EQ(bad.layers.size(), quantized);
  auto worst = std::min_element(bad.layers.begin(), bad.layers.end(),
                                [](const LayerError& a, const LayerError& b) { return a.sqnr_db < b.sqnr_db; });
  EXPECT_EQ(worst->name, victim);
  EXPECT_GT(worst->clipped_pct, 30);
  EXPECT_LT(bad.output_sqnr_db, good.output_sqnr_db);
}

TEST(CompareLayersTest, MatchesValuesWhateverTheQuantizedNames) {
  Graph g = test::small_inception();
  Graph q = quantized_small_inception(g);
  for (const auto& n : q.nodes())
    if (n->op == Op::QuantizeLinear) q.rename(n->out(0), n->in(0)->name + "_QuantizeLinear_Output");
  ModelComparison c = compare_models(g, q, random_batches(1), 1);
  EXPECT_EQ(c.layers.size(), quantized_value_sources(q).size() + 1);
  EXPECT_EQ(c.unmatched, 0);
  EXPECT_EQ(c.layers.front().name, g.inputs[0]->name);  // the input is quantized first
}

}  // namespace
}  // namespace qcc
