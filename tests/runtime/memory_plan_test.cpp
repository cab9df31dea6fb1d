// The static memory planner: concat inputs written in place, reshape views, buffer reuse.
#include <gtest/gtest.h>

#include "graph_builder.h"
#include "passes/pass.h"
#include "runtime/plan.h"

namespace qcc {
namespace {

TEST(MemoryPlanTest, ConcatBranchesAreSlicesOfTheOutput) {
  test::GraphBuilder b;
  Value* x = b.input("x", {1, 8, 6, 6});
  Node* a = b.conv(x, 16, 1);
  Node* c = b.conv(x, 32, 3, 1);
  Node* cat = b.node(Op::Concat, {a->out(), c->out()}, test::attrs({{"axis", int64_t{1}}}));
  b.output(cat->out());
  Graph& g = b.graph();
  run_layout_nhwc(g, {});
  MemoryPlan mp = plan_memory(g, step_writes_strided);
  const Placement& pa = mp.place.at(a->out());
  const Placement& pc = mp.place.at(c->out());
  const Placement& pcat = mp.place.at(cat->out());
  EXPECT_TRUE(pa.in_place_slice);
  EXPECT_TRUE(pc.in_place_slice);
  EXPECT_EQ(pa.offset, pcat.offset);
  EXPECT_EQ(pc.offset, pcat.offset + 16 * sizeof(float));
  EXPECT_EQ(pa.pixel_stride, 48);
  EXPECT_EQ(pc.pixel_stride, 48);
}

TEST(MemoryPlanTest, ChainReusesBuffersAndReshapeIsAView) {
  test::GraphBuilder b;
  Value* x = b.input("x", {4, 256});
  Value* v = x;
  for (int i = 0; i < 6; ++i) v = b.node(Op::Relu, {v})->out();
  Node* r = b.node(Op::Reshape, {v, b.constant_ints("s", {16, 64})});
  b.output(r->out());
  Graph& g = b.graph();
  MemoryPlan mp = plan_memory(g, step_writes_strided);
  EXPECT_EQ(mp.place.at(r->out()).offset, mp.place.at(v).offset);
  // Seven 4 KB values live two at a time: the arena needs far less than their sum.
  EXPECT_LE(mp.arena_bytes, 3u * 4096);
  EXPECT_GE(mp.unshared_bytes, 7u * 4096);
}

}  // namespace
}  // namespace qcc
