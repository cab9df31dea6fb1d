#include "pass_test_util.h"

namespace qcc {
namespace {

// A QDQ convolution without an output QuantizeLinear stays a float conv after lower_qdq; its
// weights' DequantizeLinear becomes the float constant it encodes, so the conv can run (before
// this pass: "weights must be constant") and computes exactly what the QDQ graph defines.
TEST(FoldConstantDequantizeTest, FloatConvGetsItsDequantizedWeights) {
  test::GraphBuilder b;
  Graph& g = b.graph();
  Value* x = b.input("x", {1, 3, 5, 5});
  Tensor wq(DType::s8, {4, 3, 3, 3});
  for (int64_t i = 0; i < wq.numel(); ++i)
    wq.data<int8_t>()[i] = static_cast<int8_t>(i * 37 % 255 - 127);
  Value* w_int8 = g.add_constant("w_int8", std::move(wq));
  Node* dq = b.node(Op::DequantizeLinear,
                    {w_int8, g.add_constant("w_scale", Tensor::scalar(DType::f32, 0.01))});
  Node* conv =
      b.node(Op::Conv, {x, dq->out()}, test::attrs({{"kernel_shape", std::vector<int64_t>{3, 3}}}));
  b.output(conv->out());

  Graph lowered = g.clone();
  ASSERT_FALSE(run_lower_qdq(lowered, runtime_pass_context()));  // no int8 activations: stays float
  ASSERT_TRUE(run_fold_constant_dequantize(lowered, runtime_pass_context()));
  EXPECT_EQ(test::count_ops(lowered, Op::DequantizeLinear), 0);
  const Node* c = lowered.outputs[0]->producer;
  ASSERT_TRUE(c->in(1)->is_constant());
  EXPECT_EQ(c->in(1)->dtype, DType::f32);
  EXPECT_FLOAT_EQ(c->in(1)->data->data<float>()[1], 0.01f * (37 - 127));

  Tensor in = test::random_tensor({1, 3, 5, 5}, 7);
  std::vector<Tensor> want = test::run_plain(lowered, {in});
  std::vector<Tensor> got = Session(g.clone(), 1).run({in});  // the whole lowering pipeline
  EXPECT_EQ(test::max_rel_diff(got[0].data<float>(), want[0].data<float>(), want[0].numel()), 0.0);
}

// Nothing to fold: a DequantizeLinear of a run-time value stays.
TEST(FoldConstantDequantizeTest, LeavesRunTimeDequantizeAlone) {
  test::GraphBuilder b;
  Graph& g = b.graph();
  Value* x = b.input("x", {2, 3});
  Node* q = b.node(Op::QuantizeLinear, {x, g.add_constant("s", Tensor::scalar(DType::f32, 0.1))});
  Node* dq = b.node(Op::DequantizeLinear,
                    {q->out(), g.add_constant("s2", Tensor::scalar(DType::f32, 0.1))});
  b.output(dq->out());
  EXPECT_FALSE(run_fold_constant_dequantize(g, runtime_pass_context()));
  EXPECT_EQ(test::count_ops(g, Op::DequantizeLinear), 1);
}

}  // namespace
}  // namespace qcc
