// Small models shared by the precision and compiler tests.
#pragma once

#include "compiler/compile.h"
#include "graph_builder.h"
#include "ir/stats.h"

namespace qcc::test {

// conv-relu -> maxpool -> two branches concatenated -> avgpool -> GAP -> flatten -> gemm.
inline Graph small_inception() {
  test::GraphBuilder b(3);
  Value* x = b.input("x", {kDynamicDim, 3, 19, 19});
  auto relu_conv = [&](Value* in, int64_t oc, int64_t k, int64_t pad, int64_t stride) {
    Node* c = b.conv(in, oc, k, pad, stride);
    c->activation = Activation::relu;
    return c->out();
  };
  Value* c1 = relu_conv(x, 16, 3, 0, 2);
  Value* p = b.node(Op::MaxPool, {c1},
                    attrs({{"kernel_shape", std::vector<int64_t>{3, 3}},
                           {"strides", std::vector<int64_t>{2, 2}}}))
                 ->out();
  Value* a = relu_conv(p, 16, 1, 0, 1);
  Value* bb = relu_conv(relu_conv(p, 8, 1, 0, 1), 16, 3, 1, 1);
  Value* cat = b.node(Op::Concat, {a, bb}, attrs({{"axis", int64_t{1}}}))->out();
  Value* avg = b.node(Op::AveragePool, {cat},
                      attrs({{"kernel_shape", std::vector<int64_t>{3, 3}},
                             {"pads", std::vector<int64_t>{1, 1, 1, 1}},
                             {"count_include_pad", int64_t{1}}}))
                   ->out();
  Value* c2 = relu_conv(avg, 24, 1, 0, 1);
  Value* gap = b.node(Op::GlobalAveragePool, {c2})->out();
  Value* flat = b.node(Op::Flatten, {gap}, attrs({{"axis", int64_t{1}}}))->out();
  Node* fc = b.node(Op::Gemm, {flat, b.constant("fc_w", {10, 24}), b.constant("fc_b", {10})},
                    attrs({{"transB", int64_t{1}}}));
  b.output(fc->out());
  return b.take();
}

inline Tensor small_images(int64_t n, uint32_t seed) {
  return test::random_tensor({n, 3, 19, 19}, seed, -2.f, 2.f);
}

/// Calibration statistics of `g` on `batches` batches of 8 random images.
inline CalibrationProfile small_profile(const Graph& g, uint32_t batches = 4) {
  CalibrationProfile p;
  Session fp32(g.clone(), 2, /*optimize=*/false);
  for (uint32_t s = 0; s < batches; ++s) observe_batch(fp32, small_images(8, s), p);
  p.fingerprint = graph_fingerprint(g);
  return p;
}

}  // namespace qcc::test
