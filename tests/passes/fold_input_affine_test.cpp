#include "pass_test_util.h"

namespace qcc {
namespace {

// torchvision's transform_input prologue in front of an unpadded conv.
Graph transform_input_graph(int64_t conv_pad) {
  test::GraphBuilder b;
  Value* x = b.input("x", {2, 3, 11, 11});
  std::vector<Value*> channels;
  const float scale[3] = {0.458f, 0.448f, 0.450f}, shift[3] = {-0.03f, -0.088f, -0.188f};
  for (int c = 0; c < 3; ++c) {
    Value* idx = b.graph().add_constant("idx", Tensor::from_ints({}, {c}));
    Node* g = b.node(Op::Gather, {x, idx}, test::attrs({{"axis", int64_t{1}}}));
    Node* u = b.node(Op::Unsqueeze, {g->out()}, test::attrs({{"axes", std::vector<int64_t>{1}}}));
    Node* m = b.node(Op::Mul, {u->out(), b.graph().add_constant("s", Tensor::from_floats({}, {scale[c]}))});
    Node* a = b.node(Op::Add, {m->out(), b.graph().add_constant("t", Tensor::from_floats({}, {shift[c]}))});
    channels.push_back(a->out());
  }
  Node* cat = b.node(Op::Concat, channels, test::attrs({{"axis", int64_t{1}}}));
  b.output(b.conv(cat->out(), 8, 3, conv_pad, 2)->out());
  return b.take();
}

TEST(FoldInputAffineTest, FoldsPrologueIntoFirstConv) {
  Graph g = transform_input_graph(0);
  test::expect_same_numbers(g, run_fold_input_affine, 1e-5);
  ASSERT_EQ(g.nodes().size(), 1u);
  EXPECT_EQ(g.nodes()[0]->op, Op::Conv);
  EXPECT_EQ(g.nodes()[0]->in(0), g.inputs[0]);
}

TEST(FoldInputAffineTest, PaddedConvIsLeftAlone) {
  Graph g = transform_input_graph(1);
  EXPECT_FALSE(run_fold_input_affine(g, runtime_pass_context()));
}

}  // namespace
}  // namespace qcc
