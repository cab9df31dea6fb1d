// Mixed precision on a small graph: a classifier made fragile on purpose (one input feature with
// a huge weight shared by every class: harmless in float, but it sets every row's int8 scale, so
// the other weights round to zero) is ranked most sensitive, and keeping it in float meets a
// budget that full INT8 misses.
#include "compiler/mixed_precision.h"

#include <gtest/gtest.h>

#include <cmath>

#include "small_models.h"

namespace qcc {
namespace {

TEST(MixedPrecisionTest, KeepsTheFragileLayerInFloat) {
  Graph g = test::small_inception();
  Node* fc = g.outputs[0]->producer;
  ASSERT_EQ(fc->op, Op::Gemm);
  Tensor w = *fc->in(1)->data;  // [10 classes, 24 features]
  for (int c = 0; c < 10; ++c) w.data<float>()[c * 24] = 1e4f;
  fc->inputs[1] = g.add_constant("fragile_w", std::move(w));
  const std::string fragile = fc->name;
  CalibrationProfile p = test::small_profile(g);
  Int8CompileOptions base;
  base.calib = *CalibSpec::parse("minmax");
  base.bias_correction = false;  // (it would move the broken layer's near-constant answer onto FP32's usual one)
  HeldOut h;
  for (uint32_t s = 0; s < 8; ++s) {
    h.batches.push_back(test::small_images(16, 500 + s));
    h.labels.push_back(std::vector<int>(16, -1));  // unlabeled: the estimate is the flip rate
  }
  MixedPrecisionOptions m;
  m.max_drop_pct = 10;
  m.threads = 2;
  MixedPrecisionResult r = choose_float_layers(g, p, base, h, m, [](const std::string&) {});
  EXPECT_FALSE(r.labeled);
  ASSERT_EQ(r.ranking.size(), 6u);  // 5 convs + the classifier
  EXPECT_EQ(r.ranking[0].node, fragile);
  EXPECT_GT(r.ranking[0].flips_pct, 30);
  ASSERT_GE(r.trials.size(), 2u);
  EXPECT_GT(r.trials[0].drop_pct, m.max_drop_pct) << "full INT8 misses the budget";
  EXPECT_LE(r.trials.back().drop_pct, m.max_drop_pct);
  ASSERT_FALSE(r.keep_float.empty());
  EXPECT_EQ(r.keep_float[0], fragile);
  EXPECT_EQ(r.keep_float.size(), static_cast<size_t>(r.trials.back().kept));
  for (const MixedTrial& t : r.trials) {  // unlabeled: the flip rate's binomial standard error
    const double f = t.flips_pct / 100;
    EXPECT_NEAR(t.drop_stderr_pct, 100 * std::sqrt(f * (1 - f) / h.rows()), 1e-9) << t.kept;
  }

  // The chosen layer really runs in float, and its neighbours stay int8.
  Graph q = g.clone();
  Int8CompileOptions o = base;
  o.keep_float.insert(r.keep_float.begin(), r.keep_float.end());
  Int8Report rep = quantize_from_profile(q, p, o);
  EXPECT_EQ(rep.layers.size(), 6u - r.keep_float.size());
  Session s(q.clone(), 2);
  for (const auto& n : s.graph().nodes()) {
    if (n->name == fragile) {
      EXPECT_EQ(n->in(0)->dtype, DType::f32);
    } else if (n->op == Op::Conv) {
      EXPECT_NE(n->in(0)->dtype, DType::f32) << n->name;
    }
  }
}

// Labeled: the drop is a mean of paired differences, each +-1 only where the answer flipped, so
// its standard error is positive when the drop is and at most the flip rate's sqrt(flips / n).
TEST(MixedPrecisionTest, LabeledDropCarriesItsStandardError) {
  Graph g = test::small_inception();
  CalibrationProfile p = test::small_profile(g);
  Int8CompileOptions base;
  base.calib = *CalibSpec::parse("minmax");
  base.activations = Int8Options::Activations::s8;  // the coarser scheme: some answers flip
  HeldOut h;
  for (uint32_t s = 0; s < 8; ++s) {
    h.batches.push_back(test::small_images(16, 700 + s));
    std::vector<int>& l = h.labels.emplace_back();
    for (int r = 0; r < 16; ++r) l.push_back((r + static_cast<int>(s)) % 10);
  }
  MixedPrecisionOptions m;
  m.keep_float = 0;
  m.threads = 2;
  MixedPrecisionResult r = choose_float_layers(g, p, base, h, m, [](const std::string&) {});
  ASSERT_TRUE(r.labeled);
  ASSERT_EQ(r.trials.size(), 1u);
  const MixedTrial& t = r.trials[0];
  ASSERT_GT(t.flips_pct, 0) << "the test needs flipped answers";
  EXPECT_LE(t.drop_stderr_pct, 100 * std::sqrt(t.flips_pct / 100 / h.rows()) + 1e-9);
  if (t.drop_pct != 0) {
    EXPECT_GT(t.drop_stderr_pct, 0);
  }
}

}  // namespace
}  // namespace qcc
