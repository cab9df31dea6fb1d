#include "pass_test_util.h"

namespace qcc {
namespace {

TEST(FuseActivationTest, ReluMovesIntoConvEpilogue) {
  test::GraphBuilder b;
  Value* x = b.input("x", {1, 4, 6, 6});
  Node* c = b.conv(x, 8, 3, 1);
  b.output(b.node(Op::Relu, {c->out()})->out());
  Graph& g = b.graph();
  test::expect_same_numbers(g, run_fuse_activation);
  EXPECT_EQ(test::count_ops(g, Op::Relu), 0);
  EXPECT_EQ(g.nodes()[0]->activation, Activation::relu);
}

TEST(FuseActivationTest, KeepsReluWhenConvOutputHasOtherUsers) {
  test::GraphBuilder b;
  Value* x = b.input("x", {1, 4, 6, 6});
  Node* c = b.conv(x, 8, 3, 1);
  b.output(b.node(Op::Relu, {c->out()})->out());
  b.output(b.node(Op::Identity, {c->out()})->out());
  EXPECT_FALSE(run_fuse_activation(b.graph(), {}));
}

}  // namespace
}  // namespace qcc
