// Sessions: one plan per input shape (dynamic batch), per-batch results independent of batching,
// clear errors for wrong inputs.
#include <gtest/gtest.h>

#include <cstring>

#include "graph_builder.h"

namespace qcc {
namespace {

Graph small_cnn() {
  test::GraphBuilder b;
  Value* x = b.input("x", {kDynamicDim, 3, 12, 12});
  Node* c1 = b.conv(x, 16, 3, 1, 2);
  Node* r1 = b.node(Op::Relu, {c1->out()});
  Node* p = b.node(Op::MaxPool, {r1->out()}, test::attrs({{"kernel_shape", std::vector<int64_t>{2, 2}},
                                                           {"strides", std::vector<int64_t>{2, 2}}}));
  Node* gap = b.node(Op::GlobalAveragePool, {p->out()});
  Node* f = b.node(Op::Flatten, {gap->out()}, test::attrs({{"axis", int64_t{1}}}));
  Node* fc = b.node(Op::Gemm, {f->out(), b.constant("fc_w", {5, 16}), b.constant("fc_b", {5})},
                    test::attrs({{"transB", int64_t{1}}}));
  b.output(fc->out());
  return b.take();
}

TEST(SessionTest, BatchOfFourEqualsFourBatchesOfOne) {
  Session s(small_cnn(), 2);
  Tensor batch = test::random_tensor({4, 3, 12, 12}, 17);
  auto all = s.run({batch});
  const int64_t image = 3 * 12 * 12;
  for (int i = 0; i < 4; ++i) {
    Tensor one(DType::f32, {1, 3, 12, 12});
    std::memcpy(one.raw(), batch.data<float>() + i * image, image * 4);
    auto single = s.run({one});
    EXPECT_LE(test::max_rel_diff(single[0].data<float>(), all[0].data<float>() + i * 5, 5), 1e-6);
  }
}

// 8x8 outputs: at batch 1 their 64 rows are one chunk split across threads by weight panels
// (conv_chunk_rows), at batch 3 row chunks; 200 channels make uneven panel groups. Every output is
// the same sum in either schedule, so the results are identical.
TEST(SessionTest, FewRowConvolutionsGiveTheSameResultsForAnySchedule) {
  auto graph = [] {
    test::GraphBuilder b;
    Value* x = b.input("x", {kDynamicDim, 40, 16, 16});
    b.output(b.conv(x, 200, 3, 1, 2)->out());
    return b.take();
  };
  Session one_thread(graph(), 1), two_threads(graph(), 2);
  Tensor batch = test::random_tensor({3, 40, 16, 16}, 5);
  const std::vector<Tensor> all = two_threads.run({batch});
  const int64_t image = 40 * 16 * 16, out = 200 * 8 * 8;
  for (int i = 0; i < 3; ++i) {
    Tensor single(DType::f32, {1, 40, 16, 16});
    std::memcpy(single.raw(), batch.data<float>() + i * image, image * 4);
    for (Session* s : {&one_thread, &two_threads}) {
      const std::vector<Tensor> got = s->run({single});
      EXPECT_EQ(std::memcmp(got[0].data<float>(), all[0].data<float>() + i * out, out * 4), 0) << i;
    }
  }
}

TEST(SessionTest, WrongInputShapeIsAnError) {
  Session s(small_cnn(), 1);
  EXPECT_THROW(s.run({test::random_tensor({1, 4, 12, 12}, 1)}), std::runtime_error);
  EXPECT_THROW(s.run({}), std::runtime_error);
}

}  // namespace
}  // namespace qcc
