#include "pass_test_util.h"
#include "passes/quantize_int8.h"
#include "runtime/plan.h"

namespace qcc {
namespace {

// The lowering pipeline with or without the pass, then the plan, as Session would run it.
std::vector<Tensor> run_lowered(const Graph& q, bool unsigned_input, const Tensor& in,
                                DType* input_q_type) {
  Graph g = q.clone();
  const PassContext ctx = runtime_pass_context();
  run_lower_qdq(g, ctx);
  run_fold_constant_dequantize(g, ctx);
  if (unsigned_input) {
    EXPECT_TRUE(run_unsigned_conv_input(g, ctx));
  }
  run_layout_nhwc(g, ctx);
  run_dead_code(g, ctx);
  for (const auto& n : g.nodes())
    if (n->op == Op::QuantizeLinear) *input_q_type = n->out(0)->dtype;
  return Plan(std::move(g)).run({in});
}

// A signed int8 image through a 3-channel stride-2 conv (the Inception stem) and a padded one:
// the u8 + 128 form must give the same bytes out, and the quantized image must be u8.
TEST(UnsignedConvInputTest, SignedImageBecomesUnsignedWithTheSameResults) {
  test::GraphBuilder b;
  Value* x = b.input("x", {2, 3, 15, 13});
  Value* c1 = b.conv(x, 8, 3, 0, 2)->out(0);
  b.output(b.conv(c1, 8, 3, 1)->out(0));
  Graph& g = b.graph();
  Int8Options o;
  o.range = [](const std::string&, int) { return ActivationRange{-1.f, 1.f}; };
  o.activations = Int8Options::Activations::s8;
  ASSERT_TRUE(run_quantize_int8(g, o, nullptr));

  const Tensor in = test::random_tensor(x->shape, 5);
  DType before = DType::f32, after = DType::f32;
  std::vector<Tensor> want = run_lowered(g, false, in, &before);
  std::vector<Tensor> got = run_lowered(g, true, in, &after);
  EXPECT_EQ(before, DType::s8);
  EXPECT_EQ(after, DType::u8);
  ASSERT_EQ(got[0].nbytes(), want[0].nbytes());
  EXPECT_EQ(0, std::memcmp(got[0].raw(), want[0].raw(), want[0].nbytes()));
}

// A quantized value that something other than a conv's data input reads stays signed.
TEST(UnsignedConvInputTest, LeavesValuesOtherOpsReadAlone) {
  test::GraphBuilder b;
  Graph& g = b.graph();
  Value* x = b.input("x", {1, 3, 5, 5});
  Value* s = g.add_constant("s", Tensor::scalar(DType::f32, 0.1));
  Value* z = g.add_constant("z", Tensor::scalar(DType::s8, 0));
  Node* q = b.node(Op::QuantizeLinear, {x, s, z});
  b.output(q->out());
  run_lower_qdq(g, runtime_pass_context());
  EXPECT_FALSE(run_unsigned_conv_input(g, runtime_pass_context()));
  EXPECT_EQ(q->out()->dtype, DType::s8);
}

}  // namespace
}  // namespace qcc
