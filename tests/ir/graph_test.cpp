// Graph structure: SSA bookkeeping, rewiring, dead values, topological order, clone, verifier.
#include <gtest/gtest.h>

#include <sstream>

#include "graph_builder.h"
#include "ir/printer.h"
#include "ir/verifier.h"

namespace qcc {
namespace {

TEST(GraphTest, ReplaceUsesRewiresNodesAndOutputs) {
  test::GraphBuilder b;
  Value* x = b.input("x", {1, 4});
  Node* r1 = b.node(Op::Relu, {x});
  Node* r2 = b.node(Op::Relu, {r1->out()});
  b.output(r1->out());
  Graph& g = b.graph();
  EXPECT_EQ(g.users(r1->out()).size(), 1u);
  g.replace_uses(r1->out(), x);
  EXPECT_EQ(r2->in(0), x);
  EXPECT_EQ(g.outputs[0], x);
  EXPECT_TRUE(verify(g).empty());
}

TEST(GraphTest, TopoSortRestoresOrderAndCloneIsDeep) {
  test::GraphBuilder b;
  Value* x = b.input("x", {2, 3});
  Node* r1 = b.node(Op::Relu, {x});
  b.output(b.node(Op::Relu, {r1->out()})->out());
  Graph& g = b.graph();
  // Put the consumer first: invalid until sorted.
  Graph out_of_order;
  Value* y = out_of_order.add_value("y", DType::f32, {2});
  Value* t = out_of_order.add_value("t", DType::f32, {2});
  Value* z = out_of_order.add_value("z", DType::f32, {2});
  out_of_order.inputs.push_back(y);
  out_of_order.add_node(Op::Relu, "second", {t}, {z});
  out_of_order.add_node(Op::Relu, "first", {y}, {t});
  out_of_order.outputs.push_back(z);
  EXPECT_FALSE(verify(out_of_order).empty());
  out_of_order.topo_sort();
  EXPECT_TRUE(verify(out_of_order).empty());
  EXPECT_EQ(out_of_order.nodes()[0]->name, "first");

  Graph c = g.clone();
  ASSERT_EQ(c.nodes().size(), g.nodes().size());
  EXPECT_NE(c.nodes()[0].get(), g.nodes()[0].get());
  EXPECT_EQ(c.nodes()[1]->in(0), c.nodes()[0]->out(0));
  EXPECT_TRUE(verify(c).empty());
}

TEST(GraphTest, VerifierNamesTheProblem) {
  Graph g;
  Value* a = g.add_value("a", DType::f32, {1});
  Value* o = g.add_value("o", DType::f32, {1});
  g.add_node(Op::Relu, "r", {a}, {o});  // `a` is neither an input nor produced
  g.outputs.push_back(o);
  std::string err = verify(g);
  EXPECT_NE(err.find("Relu 'r'"), std::string::npos) << err;
  EXPECT_NE(err.find("'a'"), std::string::npos) << err;
}

TEST(GraphTest, EraseUnusedValuesKeepsLiveOnes) {
  test::GraphBuilder b;
  Value* x = b.input("x", {1});
  b.constant("unused", {3});
  b.output(b.node(Op::Relu, {x})->out());
  Graph& g = b.graph();
  size_t before = g.values().size();
  g.erase_unused_values();
  EXPECT_EQ(g.values().size(), before - 1);
  EXPECT_EQ(g.find_value("unused"), nullptr);
  std::ostringstream os;
  print_graph(os, g);
  EXPECT_NE(os.str().find("Relu"), std::string::npos);
}

TEST(GraphTest, TopoSortOfAVeryLongChainDoesNotRecurse) {
  // 300000 ReLUs in a row (a few MB of ONNX) would overflow the call stack of a recursive sort.
  Graph g;
  Value* v = g.add_value("x", DType::f32, {1});
  g.inputs.push_back(v);
  std::vector<Node*> chain;
  for (int i = 0; i < 300000; ++i) {
    Value* o = g.add_value("r", DType::f32, {1});
    chain.push_back(g.add_node(Op::Relu, "relu", {v}, {o}));
    v = o;
  }
  g.outputs.push_back(v);
  g.topo_sort();
  ASSERT_EQ(g.nodes().size(), chain.size());
  EXPECT_EQ(g.nodes().front().get(), chain.front());
  EXPECT_EQ(g.nodes().back().get(), chain.back());
}

}  // namespace
}  // namespace qcc
