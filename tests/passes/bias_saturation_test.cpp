// INT8 bias saturation: a layer with tiny weights and a large bias would need a bias beyond int32
// in units of s_x * s_w. The quantizer widens that channel's weight scale so the bias fits, reports
// it, and the int8 layer still computes what the float one does.
#include <gtest/gtest.h>

#include "graph_builder.h"
#include "passes/quant_math.h"
#include "passes/quantize_int8.h"

namespace qcc {
namespace {

TEST(BiasSaturationTest, FloorKeepsTheBiasInHalfTheInt32Range) {
  const float sx = 1.f / 127, floor = bias_scale_floor(1000.f, sx);
  bool saturated = false;
  EXPECT_LE(std::fabs(quantize_bias(1000.f, sx * floor, &saturated)), 1 << 30);
  EXPECT_FALSE(saturated);
  WeightQuant wq = quantize_weights({1e-9f, -1e-9f, 0.5f, -0.5f}, 2, true, {floor, 0.f});
  EXPECT_EQ(wq.widened, 1);
  EXPECT_FLOAT_EQ(wq.scale[0], floor);
  EXPECT_FLOAT_EQ(wq.scale[1], 0.5f / 127);
}

TEST(BiasSaturationTest, TinyWeightsWithALargeBiasAreWidenedNotSaturated) {
  test::GraphBuilder b;
  Value* x = b.input("x", {kDynamicDim, 4});
  Tensor w = test::random_tensor({3, 4}, 2, -1e-9f, 1e-9f);
  w.data<float>()[0] = 0.5f;  // channel 0 has ordinary weights, channels 1 and 2 tiny ones
  Value* wv = b.graph().add_constant("w", std::move(w));
  Value* bias = b.graph().add_constant("bias", Tensor::from_floats({3}, {0.25f, 300.f, -2000.f}));
  b.output(b.node(Op::Gemm, {x, wv, bias}, test::attrs({{"transB", int64_t{1}}}))->out());
  Graph fp32 = b.take();
  Graph q = fp32.clone();
  Int8Options opt;
  opt.per_channel = true;
  opt.range = [](const std::string& name, int) {
    return name == "x" ? std::optional<ActivationRange>({-1.f, 1.f}) : std::nullopt;
  };
  Int8Report report;
  ASSERT_TRUE(run_quantize_int8(q, opt, &report));
  ASSERT_EQ(report.layers.size(), 1u);
  EXPECT_EQ(report.layers[0].scales_widened, 2);
  EXPECT_EQ(report.layers[0].bias_saturated, 0);
  Tensor in = test::random_tensor({2, 4}, 3);
  auto want = test::run_plain(fp32, {in}), got = test::run_plain(q, {in});
  for (int i = 0; i < 6; ++i)
    EXPECT_NEAR(got[0].data<float>()[i], want[0].data<float>()[i], 0.02) << i;
}

}  // namespace
}  // namespace qcc
