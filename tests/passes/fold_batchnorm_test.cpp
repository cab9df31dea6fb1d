#include "pass_test_util.h"

namespace qcc {
namespace {

TEST(FoldBatchnormTest, FoldsIntoConvAndKeepsNumbers) {
  test::GraphBuilder b;
  Value* x = b.input("x", {2, 3, 9, 9});
  Node* c = b.conv(x, 8, 3, 1);
  Node* bn = b.node(Op::BatchNormalization, {c->out(), b.constant("g", {8}, 0.5f, 2.f), b.constant("beta", {8}),
                                             b.constant("mean", {8}), b.constant("var", {8}, 0.1f, 2.f)},
                    test::attrs({{"epsilon", 1e-3f}}));
  b.output(bn->out());
  Graph& g = b.graph();
  test::expect_same_numbers(g, run_fold_batchnorm);
  EXPECT_EQ(test::count_ops(g, Op::BatchNormalization), 0);
  EXPECT_EQ(test::count_ops(g, Op::Conv), 1);
}

TEST(FoldBatchnormTest, LeavesSharedConvOutputAlone) {
  test::GraphBuilder b;
  Value* x = b.input("x", {1, 2, 5, 5});
  Node* c = b.conv(x, 4, 1);
  Node* bn = b.node(Op::BatchNormalization, {c->out(), b.constant("g", {4}), b.constant("beta", {4}),
                                             b.constant("mean", {4}), b.constant("var", {4}, 0.5f, 1.f)});
  b.output(bn->out());
  b.output(c->out());  // the raw conv output is needed too
  EXPECT_FALSE(run_fold_batchnorm(b.graph(), {}));
}

}  // namespace
}  // namespace qcc
