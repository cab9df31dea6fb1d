#include "pass_test_util.h"

namespace qcc {
namespace {

TEST(DeadCodeTest, RemovesBranchesThatReachNoOutput) {
  test::GraphBuilder b;
  Value* x = b.input("x", {2, 2});
  Node* used = b.node(Op::Relu, {x});
  Node* dead = b.node(Op::Relu, {x});
  b.node(Op::Relu, {dead->out()});
  b.output(used->out());
  Graph& g = b.graph();
  ASSERT_TRUE(run_dead_code(g, {}));
  EXPECT_EQ(g.nodes().size(), 1u);
  EXPECT_EQ(g.nodes()[0].get(), used);
  EXPECT_FALSE(run_dead_code(g, {}));
}

}  // namespace
}  // namespace qcc
