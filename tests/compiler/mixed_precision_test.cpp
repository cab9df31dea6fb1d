// Mixed precision on a small graph: a classifier made fragile on purpose (one input feature with
// a huge weight shared by every class: harmless in float, but it sets every row's int8 scale, so
// the other weights round to zero) is ranked most sensitive, and keeping it in float meets a
// budget that full INT8 misses.
#include <gtest/gtest.h>

#include "compiler/mixed_precision.h"
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

}  // namespace
}  // namespace qcc
