// FP16 conversion and INT8 quantization of a small Inception-like CNN: structure, file round
// trip, lowering to integer kernels, and accuracy against FP32.
#include <gtest/gtest.h>
#include <pthread.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>

#include "frontend/onnx_export.h"
#include "frontend/onnx_import.h"
#include "graph_builder.h"
#include "ir/stats.h"
#include "small_models.h"
#include "passes/convert_fp16.h"
#include "passes/quantize_int8.h"

namespace qcc {
namespace {

using test::attrs;

double sqnr_db(const Tensor& ref, const Tensor& got) {
  double sig = 0, noise = 0;
  for (int64_t i = 0; i < ref.numel(); ++i) {
    double r = ref.data<float>()[i], e = got.data<float>()[i] - r;
    sig += r * r;
    noise += e * e;
  }
  return 10 * std::log10(sig / std::max(noise, 1e-30));
}

// Exports and re-imports: the compiled model must be a valid ONNX file. The path is unique per
// test and process (CTest runs test cases in parallel processes).
Graph round_trip(const Graph& g) {
  std::string path = testing::TempDir() + "/qcc_precision_test_" +
                     testing::UnitTest::GetInstance()->current_test_info()->name() + "_" +
                     std::to_string(::getpid()) + ".onnx";
  save_onnx_file(g, path);
  Graph back = import_onnx_file(path);
  std::remove(path.c_str());
  return back;
}

// The QDQ graph as float ops (what ONNX Runtime computes): weight DequantizeLinear nodes are
// evaluated once, activations go through the Q/DQ kernels, no integer lowering.
std::vector<Tensor> run_qdq_as_float(Graph g, const Tensor& x) {
  for (const auto& n : g.nodes()) {
    if (n->op != Op::DequantizeLinear || !n->in(0)->is_constant()) continue;
    std::vector<Tensor> out;
    if (!evaluate_node(*n, out)) throw std::runtime_error("cannot evaluate " + n->label());
    g.replace_uses(n->out(0), g.add_constant(n->out(0)->name + "_folded", std::move(out[0])));
  }
  run_dead_code(g, {});
  return Session(std::move(g), 2, /*optimize=*/false).run({x});
}

// Quantizes small_inception with `acts`, checks it runs in integer kernels reading `first` (the
// first conv's input type) and u8 everywhere else, close to FP32 and to the QDQ graph's float
// meaning.
void check_int8_scheme(Int8Options::Activations acts, DType first, DType rest) {
  Graph g = test::small_inception();
  CalibrationProfile profile = test::small_profile(g);
  Graph q = g.clone();
  Int8CompileOptions opt;
  opt.calib = *CalibSpec::parse("minmax");
  opt.per_channel = false;
  opt.activations = acts;
  Int8Report report = quantize_from_profile(q, profile, opt);
  EXPECT_EQ(report.layers.size(), 6u);  // 5 convs + gemm
  // Concat inputs and output, and the max-pool pair, share their scales.
  int shared = 0;
  for (const auto& a : report.activations) shared += a.shared;
  EXPECT_GE(shared, 5);

  Graph file = round_trip(q);
  Session int8(file.clone(), 2);
  // The runtime reads a signed image as u8 with zero point 128 (unsigned_conv_input): the same
  // integers shifted.
  auto image_reads = [first](const Value* v) {
    const bool shifted = v->quant && v->quant->zero_point == std::vector<int32_t>{128};
    return v->dtype == first || (first == DType::s8 && v->dtype == DType::u8 && shifted);
  };
  int first_convs = 0, rest_convs = 0;
  for (const auto& n : int8.graph().nodes()) {
    if (n->op != Op::Conv && n->op != Op::Gemm) continue;
    const bool is_first = n->in(0)->name.rfind("x", 0) == 0;  // reads the image
    first_convs += is_first && image_reads(n->in(0));
    rest_convs += !is_first && n->in(0)->dtype == rest;
  }
  EXPECT_EQ(first_convs, 1) << "the first conv reads the image as " << dtype_name(first);
  EXPECT_EQ(rest_convs, 5) << "the other convs and the classifier read " << dtype_name(rest);
  EXPECT_EQ(test::count_ops(int8.graph(), Op::DequantizeLinear), 0);

  Tensor x = test::small_images(6, 99);
  Tensor ref = Session(g.clone(), 2).run({x})[0];
  Tensor got = int8.run({x})[0];
  EXPECT_GT(sqnr_db(ref, got), 20.0);
  // The QDQ graph evaluated as float ops (Q/DQ kernels, no integer lowering) agrees closely
  // with the integer kernels: they differ only in rounding of requantization.
  Tensor fake = run_qdq_as_float(file.clone(), x)[0];
  EXPECT_GT(sqnr_db(fake, got), 30.0);
}

// Calibration statistics of `g` on 4 batches of random inputs of `shape`.
CalibrationProfile random_profile(const Graph& g, const Shape& shape) {
  CalibrationProfile p;
  Session fp32(g.clone(), 2, /*optimize=*/false);
  for (uint32_t s = 0; s < 4; ++s) observe_batch(fp32, test::random_tensor(shape, s), p);
  p.fingerprint = graph_fingerprint(g);
  return p;
}

Int8Options unit_ranges() {
  Int8Options o;
  o.range = [](const std::string&, int) { return ActivationRange{-1.f, 1.f}; };
  return o;
}

// Hostile input: a chain of scale-keeping ops as long as the file allows shares one scale. The
// union-find walking it must not recurse once per op: on a 64 KB stack a recursive find
// overflowed on this 10k-op chain.
TEST(QuantizeInt8Test, LongChainOfScaleKeepingOpsDoesNotExhaustTheStack) {
  test::GraphBuilder b;
  Value* v = b.conv(b.input("x", {1, 4, 3, 3}), 4, 1)->out(0);
  for (int i = 0; i < 10000; ++i) v = b.node(Op::Relu, {v})->out(0);
  b.output(b.conv(v, 4, 1)->out(0));
  struct Job {
    Graph* g;
    Int8Report report;
    bool ok = false;
  } job{&b.graph(), {}};
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 64 << 10);
  pthread_t t;
  ASSERT_EQ(pthread_create(&t, &attr, [](void* p) -> void* {
    auto* j = static_cast<Job*>(p);
    j->ok = run_quantize_int8(*j->g, unit_ranges(), &j->report);
    return nullptr;
  }, &job), 0);
  pthread_join(t, nullptr);
  pthread_attr_destroy(&attr);
  EXPECT_TRUE(job.ok);
  EXPECT_EQ(job.report.layers.size(), 2u);
}

// A quantized model compiles from the float model it encodes: every weight DequantizeLinear
// folds, also weights whose float form is far larger than their int8 bytes (constant folding's
// size guard once refused them, leaving "weights must be constant" at run time).
TEST(QuantizeInt8Test, DequantizeFoldsLargeWeights) {
  test::GraphBuilder b;
  Value* x = b.input("x", {1, 64, 5, 5});
  b.output(b.conv(b.conv(x, 64, 3, 1)->out(0), 64, 3, 1)->out(0));  // 36864 weights each
  Graph& g = b.graph();
  ASSERT_TRUE(run_quantize_int8(g, unit_ranges(), nullptr));
  ASSERT_GT(test::count_ops(g, Op::DequantizeLinear), 0);
  run_dequantize(g, runtime_pass_context());
  EXPECT_EQ(test::count_ops(g, Op::DequantizeLinear), 0);
  for (const auto& n : g.nodes()) {
    if (n->op == Op::Conv) {
      EXPECT_TRUE(n->in(1)->is_constant()) << n->name;
    }
  }
}

TEST(QuantizeInt8Test, LowersToIntegerKernelsAndStaysClose) {
  check_int8_scheme(Int8Options::Activations::automatic, DType::s8, DType::u8);
}
TEST(QuantizeInt8Test, SeedSchemeIsSignedEverywhere) {
  check_int8_scheme(Int8Options::Activations::s8, DType::s8, DType::s8);
}
// ONNX Runtime's form: the signed image gets a u8 zero point near 128, post-ReLU values 0.
TEST(QuantizeInt8Test, AsymmetricU8RunsInIntegerKernelsWithZeroPoints) {
  check_int8_scheme(Int8Options::Activations::u8, DType::u8, DType::u8);
}

// An op with an INT8 policy from the op table alone (Clip: requantizes through a code table)
// runs on int8 between int8 convolutions.
TEST(QuantizeInt8Test, ClipRunsOnInt8BetweenInt8Layers) {
  test::GraphBuilder b(21);
  Value* x = b.input("x", {kDynamicDim, 8, 9, 9});
  Value* c1 = b.conv(x, 16, 3, 1)->out();
  Value* six = b.graph().add_constant("six", Tensor::from_floats({}, {0.6f}));
  Value* zero = b.graph().add_constant("zero", Tensor::from_floats({}, {0.f}));
  Value* clipped = b.node(Op::Clip, {c1, zero, six})->out();
  b.output(b.conv(clipped, 8, 1)->out());
  Graph g = b.take();
  const CalibrationProfile p = random_profile(g, {8, 8, 9, 9});
  Graph q = g.clone();
  quantize_from_profile(q, p, Int8CompileOptions{});
  Session s(round_trip(q), 2);
  bool clip_int8 = false;
  for (const auto& n : s.graph().nodes())
    if (n->op == Op::Clip) clip_int8 = n->in(0)->dtype != DType::f32 && n->out(0)->dtype != DType::f32;
  EXPECT_TRUE(clip_int8);
  Tensor in = test::random_tensor({4, 8, 9, 9}, 9);
  EXPECT_GT(sqnr_db(test::run_plain(g, {in})[0], s.run({in})[0]), 25.0);
}

// A Relu not fused into a conv (here: a Relu of a Relu) runs on the int8 storage its scheme
// chose, with the zero point as the quantized 0 (u8 asymmetric: the zero point is not 0).
TEST(QuantizeInt8Test, UnfusedReluRunsOnInt8UnderEveryScheme) {
  using Acts = Int8Options::Activations;
  test::GraphBuilder b(5);
  Value* x = b.input("x", {kDynamicDim, 8, 9, 9});
  Value* r = b.node(Op::Relu, {b.node(Op::Relu, {b.conv(x, 8, 3, 1)->out()})->out()})->out();
  b.output(b.conv(r, 8, 1)->out());
  Graph g = b.take();
  const CalibrationProfile p = random_profile(g, {8, 8, 9, 9});
  const Tensor in = test::random_tensor({4, 8, 9, 9}, 9);
  const Tensor ref = test::run_plain(g, {in})[0];
  for (Acts acts : {Acts::automatic, Acts::s8, Acts::u8}) {
    Graph q = g.clone();
    Int8CompileOptions opt;
    opt.activations = acts;
    quantize_from_profile(q, p, opt);
    Session s(round_trip(q), 2);
    int int8_relus = 0;
    for (const auto& n : s.graph().nodes())
      int8_relus += n->op == Op::Relu && n->in(0)->dtype != DType::f32;
    EXPECT_GE(int8_relus, 1) << static_cast<int>(acts);
    EXPECT_GT(sqnr_db(ref, s.run({in})[0]), 25.0) << static_cast<int>(acts);
  }
}

// Inputs with a large mean make the quantized weights' rounding error a systematic output
// offset; bias correction removes most of it.
TEST(QuantizeInt8Test, BiasCorrectionRemovesTheMeanOutputError) {
  test::GraphBuilder b(11);
  Value* x = b.input("x", {kDynamicDim, 16, 6, 6});
  b.output(b.conv(x, 8, 3, 1)->out());
  Graph g = b.take();
  auto batch = [](uint32_t seed) { return test::random_tensor({8, 16, 6, 6}, seed, 2.f, 4.f); };
  CalibrationProfile p;
  {
    Session fp32(g.clone(), 2, /*optimize=*/false);
    for (uint32_t s = 0; s < 4; ++s) observe_batch(fp32, batch(s), p);
  }
  p.fingerprint = graph_fingerprint(g);
  auto mean_error = [&](bool correct) {
    Graph q = g.clone();
    Int8CompileOptions o;
    o.per_channel = false;
    o.bias_correction = correct;
    Int8Report r = quantize_from_profile(q, p, o);
    EXPECT_EQ(r.layers.at(0).bias_corrected, correct);
    Tensor in = batch(77), want = test::run_plain(g, {in})[0], got = Session(std::move(q), 2).run({in})[0];
    double err = 0;
    for (int64_t i = 0; i < want.numel(); ++i) err += got.data<float>()[i] - want.data<float>()[i];
    return std::fabs(err / want.numel());
  };
  const double plain = mean_error(false), corrected = mean_error(true);
  EXPECT_LT(corrected, 0.3 * plain) << plain << " -> " << corrected;
}

// A QDQ model dequantizes back to a float model (no Q/DQ left) that computes what it encodes,
// and that model compiles again: to FP16, and to INT8 (exported and re-imported).
TEST(DequantizeTest, QdqModelBecomesItsFloatModelAndCompilesAgain) {
  Graph g = test::small_inception();
  CalibrationProfile p = test::small_profile(g);
  Graph q = g.clone();
  quantize_from_profile(q, p, Int8CompileOptions{});
  Graph d = round_trip(q);
  ASSERT_TRUE(run_dequantize(d, runtime_pass_context()));
  EXPECT_EQ(test::count_ops(d, Op::QuantizeLinear) + test::count_ops(d, Op::DequantizeLinear), 0);
  for (const auto& v : d.values()) EXPECT_TRUE(v->dtype == DType::f32 || v->dtype == DType::s64) << v->name;
  Tensor x = test::small_images(4, 5);
  EXPECT_GT(sqnr_db(test::run_plain(g, {x})[0], test::run_plain(d, {x})[0]), 20.0);
  Graph h = d.clone();
  run_convert_fp16(h, nullptr);
  EXPECT_GT(sqnr_db(test::run_plain(d, {x})[0], Session(round_trip(h), 2).run({x})[0]), 40.0);
  CalibrationProfile pd = test::small_profile(d);
  Graph q2 = d.clone();
  EXPECT_EQ(quantize_from_profile(q2, pd, Int8CompileOptions{}).layers.size(), 6u);
  EXPECT_GT(sqnr_db(test::run_plain(d, {x})[0], Session(round_trip(q2), 2).run({x})[0]), 20.0);
}

TEST(ConvertFp16Test, HalvesWeightsKeepsBoundaryAndStaysClose) {
  Graph g = test::small_inception();
  Graph h = g.clone();
  Fp16Report r;
  ASSERT_TRUE(run_convert_fp16(h, &r));
  EXPECT_EQ(r.weights, 12);  // weight + bias of 6 layers
  EXPECT_EQ(r.overflow, 0);
  EXPECT_EQ(h.inputs[0]->dtype, DType::f32);
  EXPECT_EQ(h.outputs[0]->dtype, DType::f32);
  EXPECT_EQ(h.outputs[0]->name, g.outputs[0]->name);
  // Input cast, and the classifier computing in f32 from f16 features and f16-stored weights.
  EXPECT_EQ(test::count_ops(h, Op::Cast), 4);
  const Node* fc = h.outputs[0]->producer;
  ASSERT_EQ(fc->op, Op::Gemm);
  EXPECT_EQ(fc->in(1)->dtype, DType::f32);
  EXPECT_EQ(fc->in(1)->producer->op, Op::Cast);
  EXPECT_EQ(fc->in(1)->producer->in(0)->dtype, DType::f16);
  Graph file = round_trip(h);
  Tensor x = test::small_images(5, 7);
  Tensor ref = Session(g.clone(), 2).run({x})[0];
  Tensor got = Session(std::move(file), 2).run({x})[0];
  EXPECT_GT(sqnr_db(ref, got), 45.0);
}

TEST(ConvertFp16Test, CountsOverflowAndUnderflow) {
  test::GraphBuilder b;
  Value* x = b.input("x", {1, 2, 4, 4});
  Node* c = b.conv(x, 2, 1);
  Tensor w = Tensor::from_floats({2, 2, 1, 1}, {1e6f, 1e-9f, 1.f, 0.f});
  c->inputs[1] = b.graph().add_constant("big_w", w);
  b.output(c->out());
  Fp16Report r;
  run_convert_fp16(b.graph(), &r);
  EXPECT_EQ(r.overflow, 1);
  EXPECT_EQ(r.underflow, 1);
}

}  // namespace
}  // namespace qcc
