// The command line against hostile arguments, models and outputs, through run_qcc (what main
// runs): each case must end with a one-line error and a non-zero exit code, or succeed.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <sstream>

#define STB_IMAGE_WRITE_IMPLEMENTATION  // here once; cli_test_util.h includes stb_image_write.h
#include "cli/cli_test_util.h"
#include "cli/commands.h"
#include "frontend/file_io.h"
#include "frontend/onnx_export.h"
#include "frontend/onnx_import.h"
#include "graph_builder.h"
#include "onnx_builder.h"

namespace qcc {
namespace {

namespace fs = std::filesystem;
using test::attrs;
using test::expect_failure;
using test::qcc;
using test::read;
using test::Result;
using test::write_png;

class CliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = test::temp_folder("cli");
    for (const char* c : {"a", "b"}) fs::create_directories(dir_ / "data" / c);
    write_png(dir_ / "data" / "a" / "1.png", 320, 300);
    write_png(dir_ / "data" / "b" / "2.png", 300, 330);
    for (const char* c : {"a", "b"}) fs::create_directories(dir_ / "broken" / c);
    std::ofstream(dir_ / "broken" / "a" / "x.jpg") << "\xff\xd8\xff not a jpeg";
    std::ofstream(dir_ / "broken" / "b" / "y.png") << "not a png";
    model_ = path("tiny.onnx");
    save_onnx_file(classifier([](test::GraphBuilder&, Value* v) { return v; }), model_);
  }

  static std::string path(const std::string& name) { return (dir_ / name).string(); }
  static std::string data() { return path("data"); }
  static std::string image(const char* cls, const char* file) {
    return (dir_ / "data" / cls / file).string();
  }

  // input [N,3,299,299] -> GAP -> Flatten -> head(...) -> Gemm(2 classes).
  template <typename Head>
  static Graph classifier(Head head) {
    test::GraphBuilder b(5);
    Value* x = b.input("input", {kDynamicDim, 3, 299, 299});
    Value* gap = b.node(Op::GlobalAveragePool, {x})->out();
    Value* flat = head(b, b.node(Op::Flatten, {gap}, attrs({{"axis", int64_t{1}}}))->out());
    b.output(b.node(Op::Gemm, {flat, b.constant("w", {2, 3}), b.constant("bias", {2})},
                    attrs({{"transB", int64_t{1}}}))
                 ->out());
    return b.take();
  }

  static fs::path dir_;
  static std::string model_;
};

fs::path CliTest::dir_;
std::string CliTest::model_;

TEST_F(CliTest, ThreadCountsOutsideTheRangeAreUsageErrors) {
  for (const char* t : {"100000", "2147483648", "-1", "99999999999999999999", "two"})
    expect_failure(qcc({"bench", model_, "--threads", t, "--iters", "1", "--batch", "1"}), 2,
                   "--threads");
  expect_failure(qcc({"run", model_, image("a", "1.png"), "--threads", "1025"}), 2,
                 "must be in 0..1024");
  // An int cast would wrap these to 0: an endless loop over empty batches.
  expect_failure(qcc({"compile", model_, "--precision", "int8", "--calib", data(), "-o",
                      path("q.onnx"), "--calib-batch", "4294967296"}),
                 2, "--calib-batch must be in 1..4096");
  expect_failure(qcc({"eval", model_, "--data", data(), "--batch", "4294967296"}), 2, "--batch");
  EXPECT_EQ(
      qcc({"bench", model_, "--threads", "1", "--iters", "1", "--warmup", "0", "--batch", "1"})
          .code,
      0);
}

TEST_F(CliTest, SevenBitWeightsStayWithinMinus63To63) {
  expect_failure(qcc({"compile", model_, "--precision", "int8", "--calib", data(), "-o",
                      path("q6.onnx"), "--weight-bits", "6"}),
                 2, "--weight-bits must be 7 or 8");
  ASSERT_EQ(qcc({"compile", model_, "--precision", "int8", "--calib", data(), "-o", path("q7.onnx"),
                 "--weight-bits", "7", "--report", path("q7.json")})
                .code,
            0);
  Graph g = import_onnx_file(path("q7.onnx"));
  int weights = 0;
  for (const auto& v : g.values()) {
    const bool weight = v->name.size() > 2 && v->name.compare(v->name.size() - 2, 2, "_q") == 0;
    if (!v->is_constant() || v->dtype != DType::s8 || !weight) continue;
    const int8_t* q = v->data->data<int8_t>();
    int peak = 0;
    for (int64_t i = 0; i < v->data->numel(); ++i) peak = std::max(peak, std::abs(int{q[i]}));
    EXPECT_EQ(peak, 63) << v->name;  // per-channel scales put each channel's largest at +-63
    ++weights;
  }
  EXPECT_EQ(weights, 1) << "the classifier's weights";
  EXPECT_NE(read(path("q7.json")).find("\"weight_bits\": 7"), std::string::npos);
  ASSERT_EQ(qcc({"report", path("q7.json"), "-o", path("q7.html")}).code, 0);
  EXPECT_NE(read(path("q7.html")).find("7-bit weights"), std::string::npos);
}

TEST_F(CliTest, GptqWeightRoundingNeedsImagesAndIsReported) {
  expect_failure(qcc({"compile", model_, "--precision", "int8", "--calib", data(), "-o",
                      path("g.onnx"), "--weight-rounding", "best"}),
                 2, "--weight-rounding must be nearest or gptq");
  expect_failure(qcc({"compile", model_, "--precision", "int8", "--calib", data(), "-o",
                      path("g.onnx"), "--weight-rounding", "gptq", "--gptq-count", "0"}),
                 2, "--gptq-count must be >= 1");
  ASSERT_EQ(qcc({"calibrate", model_, "--calib", data(), "-o", path("g_profile.json")}).code, 0);
  expect_failure(qcc({"compile", model_, "--precision", "int8", "--profile", path("g_profile.json"),
                      "-o", path("g.onnx"), "--weight-rounding", "gptq"}),
                 2, "--weight-rounding gptq needs --calib DIR");
  ASSERT_EQ(qcc({"compile", model_, "--precision", "int8", "--calib", data(), "-o", path("g.onnx"),
                 "--weight-rounding", "gptq", "--report", path("g.json")})
                .code,
            0);
  EXPECT_NE(read(path("g.json")).find("\"weight_rounding\": \"gptq\""), std::string::npos);
  EXPECT_EQ(read(path("g.json")).find("\"weight_rounding\": \"nearest\""), std::string::npos);
}

// Mixed precision's trials and the final model both use the GPTQ-rounded weights: of two
// layers, the one kept in float is not in the report's layers, the other is GPTQ-rounded.
TEST_F(CliTest, GptqWithMixedPrecisionRoundsTheLayersLeftInInt8) {
  const std::string two = path("two_layers.onnx");
  save_onnx_file(classifier([](test::GraphBuilder& b, Value* v) {
                   return b
                       .node(Op::Gemm, {v, b.constant("w1", {3, 3}), b.constant("b1", {3})},
                             attrs({{"transB", int64_t{1}}}))
                       ->out();
                 }),
                 two);
  ASSERT_EQ(qcc({"compile", two, "--precision", "int8", "--calib", data(), "-o", path("gm.onnx"),
                 "--weight-rounding", "gptq", "--keep-float", "1", "--report", path("gm.json")})
                .code,
            0);
  const std::string report = read(path("gm.json"));
  auto count = [&](const std::string& s) {
    int n = 0;
    for (size_t at = report.find(s); at != std::string::npos; at = report.find(s, at + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count("\"weight_rounding\": \"gptq\""), 1);
  EXPECT_EQ(count("\"weight_rounding\": \"nearest\""), 0);
  EXPECT_EQ(count("sensitivity rank 1 of 2"), 1) << report;
}

TEST_F(CliTest, FlagsTakeNoValue) {
  expect_failure(qcc({"compile", model_, "--precision", "int8", "--calib", data(), "-o",
                      path("q.onnx"), "--float-classifier=no"}),
                 2, "--float-classifier is a flag and takes no value");
  expect_failure(qcc({"inspect", model_, "--graph=1"}), 2, "takes no value");
}

TEST_F(CliTest, OutputThatIsAnInputIsRefused) {
  const std::string before = read(model_);
  expect_failure(qcc({"compile", model_, "--precision", "fp16", "-o", model_}), 2,
                 "is an input of this command");
  fs::create_symlink(model_, path("alias.onnx"));
  expect_failure(qcc({"compile", path("alias.onnx"), "--precision", "fp16", "-o", model_}), 2,
                 "is an input");
  expect_failure(qcc({"inspect", model_, "--json", model_}), 2, "is an input");
  EXPECT_EQ(read(model_), before);
}

TEST_F(CliTest, FullDiskIsAnError) {
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  expect_failure(qcc({"inspect", model_, "--json", "/dev/full"}), 1, "/dev/full: cannot write");
  expect_failure(qcc({"compile", model_, "--precision", "fp16", "-o", "/dev/full"}), 1,
                 "/dev/full");
  expect_failure(qcc({"eval", model_, "--data", data(), "--predictions", "/dev/full"}), 1,
                 "/dev/full");
  expect_failure(qcc({"eval", model_, "--data", data(), "--json", "/dev/full"}), 1, "/dev/full");
}

TEST_F(CliTest, FailedWriteLeavesTheOldFileAndNoTemporary) {
  const std::string target = path("keep.txt");
  std::ofstream(target) << "old";
  EXPECT_THROW(write_file(target,
                          [](std::ostream& f) {
                            f << "new";
                            throw std::runtime_error("interrupted");
                          }),
               std::runtime_error);
  EXPECT_EQ(read(target), "old");
  for (const auto& e : fs::directory_iterator(dir_))
    EXPECT_EQ(e.path().filename().string().find(".keep"), std::string::npos);
  write_file(target, [](std::ostream& f) { f << "new"; });
  EXPECT_EQ(read(target), "new");
  EXPECT_THROW(write_file(dir_.string(), [](std::ostream& f) { f << "x"; }), std::runtime_error);
}

TEST_F(CliTest, EvalFailsWhenNoImageCouldBeEvaluated) {
  expect_failure(qcc({"eval", model_, "--data", path("broken")}), 1, "no image could be evaluated");
}

TEST_F(CliTest, EvalReportsFinishedModelsBeforeFailing) {
  test::OnnxModel bad;
  bad.input("input", {-1, 3, 299, 299});
  bad.node("Einsum", {"input"}, {"y"}, "e");
  bad.output("y");
  const std::string bad_path = bad.save(dir_, "bad.onnx"), json = path("eval.json");
  Result r = qcc({"eval", model_, bad_path, "--data", data(), "--json", json});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("tiny.onnx"), std::string::npos) << r.out;  // A's row in the table
  EXPECT_NE(r.err.find("bad.onnx"), std::string::npos) << r.err;
  const std::string j = read(json);
  EXPECT_NE(j.find("\"images\": 2"), std::string::npos) << j;
  EXPECT_NE(j.find("Einsum"), std::string::npos) << j;
}

TEST_F(CliTest, OutputsThatAreNotOneRowPerImageAreErrors) {
  // [1, 3N]: one row whatever the batch; [3N]: no rows at all; [N, 0]: no classes.
  const std::string rows = path("one_row.onnx"), flat = path("flat.onnx"),
                    empty = path("empty.onnx");
  test::GraphBuilder b1;
  Value* x1 = b1.input("input", {kDynamicDim, 3, 299, 299});
  Value* g1 = b1.node(Op::GlobalAveragePool, {x1})->out();
  b1.output(b1.node(Op::Reshape, {g1, b1.constant_ints("s", {1, -1})})->out());
  save_onnx_file(b1.graph(), rows);
  test::GraphBuilder b2;
  Value* x2 = b2.input("input", {kDynamicDim, 3, 299, 299});
  Value* g2 = b2.node(Op::GlobalAveragePool, {x2})->out();
  b2.output(b2.node(Op::Reshape, {g2, b2.constant_ints("s", {-1})})->out());
  save_onnx_file(b2.graph(), flat);
  test::GraphBuilder b3;
  Value* x3 = b3.input("input", {kDynamicDim, 3, 299, 299});
  Value* g3 = b3.node(Op::Flatten, {b3.node(Op::GlobalAveragePool, {x3})->out()},
                      attrs({{"axis", int64_t{1}}}))
                  ->out();
  b3.output(b3.node(Op::Slice, {g3},
                    attrs({{"starts", std::vector<int64_t>{0}},
                           {"ends", std::vector<int64_t>{0}},
                           {"axes", std::vector<int64_t>{1}}}))
                ->out());
  save_onnx_file(b3.graph(), empty);
  expect_failure(qcc({"run", rows, image("a", "1.png"), image("b", "2.png")}), 1,
                 "expected f32 [2 images, classes]");
  expect_failure(qcc({"eval", flat, "--data", data()}), 1, "model output is f32[6]");
  expect_failure(qcc({"run", empty, image("a", "1.png")}), 1, "f32[1,0]");
}

TEST_F(CliTest, EmptyInputDimensionIsAnErrorNotASignal) {
  test::OnnxModel m;
  m.input("x", {-1, 3, 0, 8});
  m.node("GlobalAveragePool", {"x"}, {"y"}, "gap");
  m.output("y");
  expect_failure(qcc({"bench", m.save(dir_, "dim0.onnx"), "--iters", "1", "--batch", "1"}), 1,
                 "empty");
}

TEST_F(CliTest, LabelsMustBeAFile) {
  expect_failure(qcc({"run", model_, image("a", "1.png"), "--labels", data()}), 1,
                 "not a regular file");
  expect_failure(qcc({"eval", model_, "--data", data(), "--labels", data()}), 1,
                 "not a regular file");
}

TEST_F(CliTest, RunReportsUnreadableImagesAndStillClassifiesTheOthers) {
  Result r = qcc({"run", model_, image("a", "1.png"), path("broken/a/x.jpg"), "--batch", "1"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("1.png"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("1 of 2 image(s) could not be read"), std::string::npos) << r.err;
}

TEST_F(CliTest, CompileRefusesWhatQccCannotRun) {
  test::OnnxModel none;
  none.input("x", {-1, 4});
  none.node("Relu", {"x"}, {"y"});
  expect_failure(
      qcc({"compile", none.save(dir_, "none.onnx"), "--precision", "fp16", "-o", path("o.onnx")}),
      1, "no outputs");
  test::OnnxModel dw;
  dw.input("x", {-1, 4, 8, 8}).init("w", test::random_tensor({4, 1, 3, 3}, 1));
  test::set_int(dw.node("Conv", {"x", "w"}, {"y"}, "dw"), "group", 4);
  dw.output("y");
  expect_failure(
      qcc({"compile", dw.save(dir_, "dw.onnx"), "--precision", "fp16", "-o", path("o.onnx")}), 1,
      "grouped convolution");
  EXPECT_FALSE(fs::exists(path("o.onnx")));
}

TEST_F(CliTest, NanWeightsAreAnErrorNamingTheLayer) {
  Graph g = classifier([](test::GraphBuilder&, Value* v) { return v; });
  for (const auto& v : g.values())
    if (v->name == "w") {
      Tensor t = *v->data;
      t.data<float>()[1] = std::numeric_limits<float>::infinity();
      v->data = std::make_shared<const Tensor>(std::move(t));
    }
  save_onnx_file(g, path("inf.onnx"));
  expect_failure(qcc({"compile", path("inf.onnx"), "--precision", "int8", "--calib", data(), "-o",
                      path("q.onnx")}),
                 1, "holds NaN or Inf");
}

TEST_F(CliTest, NonFiniteActivationsAreAnErrorAtCalibration) {
  Graph g = classifier([](test::GraphBuilder& b, Value* v) {
    // Finite weights of 3e38, then a square: the activations overflow to infinity.
    Value* w =
        b.graph().add_constant("huge", Tensor::from_floats({3, 3}, std::vector<float>(9, 3e38f)));
    v = b.node(Op::Gemm, {v, w}, attrs({{"transB", int64_t{1}}}))->out();
    v = b.node(Op::Mul, {v, v})->out();
    return v;
  });
  save_onnx_file(g, path("overflow.onnx"));
  expect_failure(qcc({"compile", path("overflow.onnx"), "--precision", "int8", "--calib", data(),
                      "-o", path("q.onnx")}),
                 1, "is not finite on the calibration images");
}

TEST_F(CliTest, ImagePixelLimitIsAnOption) {
  Result r = qcc({"eval", model_, "--data", data(), "--max-image-pixels", "1000"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("no image could be evaluated"), std::string::npos) << r.err;
  expect_failure(qcc({"eval", model_, "--data", data(), "--max-image-pixels", "0"}), 2,
                 "--max-image-pixels");
}

TEST_F(CliTest, ModelByteLimitIsAnOption) {
  expect_failure(qcc({"inspect", model_, "--max-model-bytes", "10"}), 1, "over the limit of 10");
}

TEST_F(CliTest, HostileNamesStayOnOneLine) {
  expect_failure(qcc({"inspect", path("no\nsuch\x1b.onnx")}), 1, "no\\x0Asuch\\x1B.onnx");
}

TEST_F(CliTest, ResultsDoNotDependOnThreadsAndInt8CompileIsReproducible) {
  std::string q[2], pred[2];
  for (int t = 0; t < 2; ++t) {
    const std::string threads = std::to_string(t + 1), out = path("q" + threads + ".onnx");
    ASSERT_EQ(qcc({"compile", model_, "--precision", "int8", "--calib", data(), "-o", out,
                   "--threads", threads})
                  .code,
              0);
    q[t] = read(out);
    ASSERT_EQ(
        qcc({"eval", out, "--data", data(), "--predictions", path("p.txt"), "--threads", threads})
            .code,
        0);
    pred[t] = read(path("p.txt"));
  }
  EXPECT_EQ(q[0], q[1]);
  EXPECT_EQ(pred[0], pred[1]);
  EXPECT_FALSE(pred[0].empty());
}

TEST_F(CliTest, CalibrationSkipsAndCountsBadImages) {
  const fs::path calib = dir_ / "calib";
  fs::create_directories(calib);
  write_png(calib / "good.png", 320, 300);
  std::vector<uint8_t> row(60000, 7);  // a PNG bomb: 60000x1 pixels resize to 20520000x342
  ASSERT_TRUE(stbi_write_png((calib / "bomb.png").c_str(), 60000, 1, 1, row.data(), 60000));
  std::ofstream(calib / "broken.jpg") << "\xff\xd8 nothing";
  const std::string report = path("calib_report.json");
  Result r = qcc({"compile", model_, "--precision", "int8", "--calib", calib.string(), "-o",
                  path("c.onnx"), "--report", report});
  EXPECT_EQ(r.code, 0) << r.err;
  const std::string j = read(report);
  EXPECT_NE(j.find("\"calibration_images\": 1"), std::string::npos) << j;
  EXPECT_NE(j.find("bomb.png: image of 60000x1 resizes to"), std::string::npos) << j;
  EXPECT_NE(j.find("broken.jpg"), std::string::npos) << j;
}

TEST_F(CliTest, CompilingFromASavedProfileGivesTheSameModel) {
  ASSERT_EQ(qcc({"calibrate", model_, "--calib", data(), "-o", path("p.json")}).code, 0);
  for (const char* method : {"minmax-avg", "mse", "entropy"}) {
    Result a = qcc({"compile", model_, "--precision", "int8", "--profile", path("p.json"), "--calib-method", method,
                    "-o", path("from_profile.onnx")});
    Result b = qcc({"compile", model_, "--precision", "int8", "--calib", data(), "--calib-method", method, "-o",
                    path("one_go.onnx")});
    ASSERT_EQ(a.code, 0) << a.err;
    ASSERT_EQ(b.code, 0) << b.err;
    EXPECT_EQ(read(path("from_profile.onnx")), read(path("one_go.onnx"))) << method;
  }
  // Another model's profile is refused.
  save_onnx_file(classifier([](test::GraphBuilder& b, Value* v) { return b.node(Op::Relu, {v})->out(); }),
                 path("other.onnx"));
  expect_failure(qcc({"compile", path("other.onnx"), "--precision", "int8", "--profile", path("p.json"), "-o",
                      path("x.onnx")}),
                 1, "made for another model");
}

TEST_F(CliTest, ComparePerLayerListsTheQuantizedValues) {
  ASSERT_EQ(qcc({"compile", model_, "--precision", "int8", "--calib", data(), "-o", path("q8.onnx")}).code, 0);
  Result r = qcc({"compare", model_, path("q8.onnx"), "--data", data(), "--per-layer", "--json", path("c.json")});
  ASSERT_EQ(r.code, 0) << r.err;
  cli::Json j = cli::Json::load(path("c.json"));
  EXPECT_EQ(j.at("images").integer(), 2);
  EXPECT_EQ(j.at("unmatched").integer(), 0);
  // The input, the pooled features (GAP and Flatten share one int8 value) and the logits.
  ASSERT_GE(j.at("layers").items().size(), 2u);
  EXPECT_EQ(j.at("layers").items().front().at("name").str(), "input");
  expect_failure(qcc({"compare", model_, path("q8.onnx"), "--per-layer"}), 2, "--per-layer needs --data");
}

}  // namespace
}  // namespace qcc
