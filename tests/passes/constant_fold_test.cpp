#include "pass_test_util.h"

namespace qcc {
namespace {

TEST(ConstantFoldTest, FoldsShapeArithmeticOnceShapesAreStatic) {
  // x -> Reshape(x, Concat(Gather(Shape(x), 0), [-1])): the export pattern of flatten-by-shape.
  test::GraphBuilder b;
  Value* x = b.input("x", {4, 6});
  Node* shape = b.node(Op::Shape, {x});
  Value* idx = b.graph().add_constant("zero", Tensor::from_ints({1}, {0}));
  Node* g0 = b.node(Op::Gather, {shape->out(), idx});
  Node* cat = b.node(Op::Concat, {g0->out(), b.constant_ints("minus1", {-1})}, test::attrs({{"axis", int64_t{0}}}));
  Graph& g = b.graph();
  Value* y = g.add_value("y", DType::f32, {4, 6});
  g.add_node(Op::Reshape, "reshape", {x, cat->out()}, {y});  // target not constant yet
  g.outputs.push_back(y);
  ASSERT_TRUE(run_constant_fold(g, runtime_pass_context()));
  EXPECT_EQ(test::count_ops(g, Op::Shape), 0);
  EXPECT_EQ(test::count_ops(g, Op::Concat), 0);
  ASSERT_EQ(g.nodes().size(), 1u);
  const Value* target = g.nodes()[0]->in(1);
  ASSERT_TRUE(target->is_constant());
  EXPECT_EQ(target->data->to_ints(), (std::vector<int64_t>{4, -1}));
  Tensor in = test::random_tensor({4, 6}, 3);
  auto out = test::run_plain(g, {in});
  EXPECT_EQ(test::max_rel_diff(out[0].data<float>(), in.data<float>(), 24), 0.0);
}

TEST(ConstantFoldTest, EvaluatesArithmeticOnConstants) {
  test::GraphBuilder b;
  Value* x = b.input("x", {3});
  Node* add = b.node(Op::Add, {b.constant("a", {3}), b.constant("c", {3})});
  b.output(b.node(Op::Mul, {x, add->out()})->out());
  Graph& g = b.graph();
  test::expect_same_numbers(g, run_constant_fold);
  EXPECT_EQ(test::count_ops(g, Op::Add), 0);
}

}  // namespace
}  // namespace qcc
