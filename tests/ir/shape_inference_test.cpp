// Shape rules on the cases Inception V3 and its exports need.
#include <gtest/gtest.h>

#include "graph_builder.h"

namespace qcc {
namespace {

using test::attrs;

TEST(ShapeInferenceTest, ConvPoolWindows) {
  test::GraphBuilder b;
  Value* x = b.input("x", {kDynamicDim, 3, 299, 299});
  Node* c = b.conv(x, 32, 3, 0, 2);
  EXPECT_EQ(c->out()->shape, (Shape{kDynamicDim, 32, 149, 149}));
  Node* p = b.node(Op::MaxPool, {c->out()}, attrs({{"kernel_shape", std::vector<int64_t>{3, 3}},
                                                    {"strides", std::vector<int64_t>{2, 2}}}));
  EXPECT_EQ(p->out()->shape, (Shape{kDynamicDim, 32, 74, 74}));
  Node* same = b.node(Op::AveragePool, {p->out()}, attrs({{"kernel_shape", std::vector<int64_t>{3, 3}},
                                                          {"auto_pad", std::string("SAME_UPPER")}}));
  EXPECT_EQ(same->out()->shape, (Shape{kDynamicDim, 32, 74, 74}));
  EXPECT_EQ(same->attrs.ints("pads"), (std::vector<int64_t>{1, 1, 1, 1}));
  EXPECT_EQ(window_out_extent(4, 3, 2, 1, 0, 0, true), 2);   // ceil mode
  EXPECT_EQ(window_out_extent(5, 2, 2, 1, 0, 1, true), 3);   // last window starts inside
}

TEST(ShapeInferenceTest, ReshapeFlattenConcatGather) {
  test::GraphBuilder b;
  Value* x = b.input("x", {kDynamicDim, 2048, 1, 1});
  Node* f = b.node(Op::Flatten, {x}, attrs({{"axis", int64_t{1}}}));
  EXPECT_EQ(f->out()->shape, (Shape{kDynamicDim, 2048}));
  Node* r = b.node(Op::Reshape, {x, b.constant_ints("s", {0, -1})});
  EXPECT_EQ(r->out()->shape, (Shape{kDynamicDim, 2048}));
  Node* c = b.node(Op::Concat, {x, x}, attrs({{"axis", int64_t{1}}}));
  EXPECT_EQ(c->out()->shape, (Shape{kDynamicDim, 4096, 1, 1}));
  Value* idx = b.graph().add_constant("i", Tensor::from_ints({}, {0}));
  Node* g = b.node(Op::Gather, {x, idx}, attrs({{"axis", int64_t{1}}}));
  EXPECT_EQ(g->out()->shape, (Shape{kDynamicDim, 1, 1}));
  EXPECT_THROW(b.node(Op::Reshape, {x, b.constant_ints("bad", {3, -1, -1})}), std::runtime_error);
}

TEST(ShapeInferenceTest, BroadcastAndErrorsNameTheNode) {
  test::GraphBuilder b;
  Value* x = b.input("x", {2, 3, 4});
  Value* y = b.input("y", {3, 1});
  EXPECT_EQ(b.node(Op::Add, {x, y})->out()->shape, (Shape{2, 3, 4}));
  Value* z = b.input("z", {5});
  try {
    b.node(Op::Mul, {x, z});
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("Mul"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace qcc
