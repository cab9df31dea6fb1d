#include "pass_test_util.h"

namespace qcc {
namespace {

Node* zero_pad(test::GraphBuilder& b, Value* x, int64_t p) {
  return b.node(Op::Pad, {x}, test::attrs({{"pads", std::vector<int64_t>{0, 0, p, p, 0, 0, p, p}},
                                           {"mode", std::string("constant")}, {"value", 0.f}}));
}

TEST(FoldPadTest, PadThenAveragePoolBecomesCountIncludePad) {
  test::GraphBuilder b;
  Value* x = b.input("x", {2, 5, 7, 7});
  Node* pad = zero_pad(b, x, 1);
  b.output(b.node(Op::AveragePool, {pad->out()}, test::attrs({{"kernel_shape", std::vector<int64_t>{3, 3}}}))->out());
  Graph& g = b.graph();
  test::expect_same_numbers(g, run_fold_pad);
  EXPECT_EQ(test::count_ops(g, Op::Pad), 0);
  EXPECT_EQ(g.nodes()[0]->attrs.i("count_include_pad"), 1);
}

TEST(FoldPadTest, PadThenConvAddsPads) {
  test::GraphBuilder b;
  Value* x = b.input("x", {1, 3, 8, 8});
  Node* pad = zero_pad(b, x, 2);
  b.output(b.conv(pad->out(), 4, 3, 1)->out());
  Graph& g = b.graph();
  test::expect_same_numbers(g, run_fold_pad);
  EXPECT_EQ(g.nodes()[0]->attrs.ints("pads"), (std::vector<int64_t>{3, 3, 3, 3}));
}

TEST(FoldPadTest, NonZeroOrMaxPoolIsLeftAlone) {
  test::GraphBuilder b;
  Value* x = b.input("x", {1, 3, 8, 8});
  Node* pad = zero_pad(b, x, 1);
  b.output(b.node(Op::MaxPool, {pad->out()}, test::attrs({{"kernel_shape", std::vector<int64_t>{3, 3}}}))->out());
  EXPECT_FALSE(run_fold_pad(b.graph(), {}));
}

}  // namespace
}  // namespace qcc
