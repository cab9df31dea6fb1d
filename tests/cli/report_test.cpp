// qcc report: the page holds what its JSON sources say (a table row per evaluated model, a bar per
// model and per quantized activation), nothing from outside, and names from files escaped.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "cli/cli_test_util.h"
#include "cli/json.h"
#include "frontend/onnx_export.h"
#include "graph_builder.h"
#include "onnx_builder.h"

namespace qcc {
namespace {

namespace fs = std::filesystem;
using test::expect_failure;
using test::qcc;
using test::read;

size_t count(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

class ReportTest : public ::testing::Test {
 protected:
  // A classifier whose file name carries markup, its INT8 compile (with --report), an eval of
  // both and a per-layer comparison.
  static void SetUpTestSuite() {
    dir_ = test::temp_folder("report");
    for (const char* c : {"a", "b"}) {
      fs::create_directories(dir_ / "data" / c);
      test::write_png(dir_ / "data" / c / "1.png", 300, 310, c[0]);
    }
    test::GraphBuilder b(2);
    Value* x = b.input("input", {kDynamicDim, 3, 299, 299});
    Value* flat = b.node(Op::Flatten, {b.node(Op::GlobalAveragePool, {x})->out()},
                         test::attrs({{"axis", int64_t{1}}}))
                      ->out();
    b.output(b.node(Op::Gemm, {flat, b.constant("w", {2, 3}), b.constant("bias", {2})},
                    test::attrs({{"transB", int64_t{1}}}))
                 ->out());
    save_onnx_file(b.take(), fp32());
    ASSERT_EQ(qcc({"compile", fp32(), "--precision", "int8", "--calib", path("data"), "-o",
                   path("q.onnx"), "--report", path("compile.json")})
                  .code,
              0);
    ASSERT_EQ(
        qcc({"eval", fp32(), path("q.onnx"), "--data", path("data"), "--json", path("eval.json")})
            .code,
        0);
    ASSERT_EQ(qcc({"compare", fp32(), path("q.onnx"), "--data", path("data"), "--per-layer",
                   "--json", path("compare.json")})
                  .code,
              0);
  }
  static std::string path(const std::string& name) { return (dir_ / name).string(); }
  static std::string fp32() { return path("<b>&fp32.onnx"); }
  static size_t layers(const std::string& json, const char* array) {
    cli::Json j = cli::Json::load(path(json));
    return (std::string(array) == "layers" ? j.at("layers") : j.at("int8").at("activation_errors"))
        .items()
        .size();
  }

  static fs::path dir_;
};

fs::path ReportTest::dir_;

TEST_F(ReportTest, PageHoldsTheTableAndTheCharts) {
  test::Result r = qcc({"report", path("eval.json"), path("compile.json"), path("compare.json"),
                        "-o", path("report.html")});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("2 evaluated models, 2 per-layer SQNR charts, 1 compiles"),
            std::string::npos)
      << r.out;
  const std::string html = read(path("report.html"));
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(count(html, "<table class=\"results\">"), 1u);
  EXPECT_EQ(count(html, "<td>int8</td>"), 2u);  // the results row and the compile row
  EXPECT_EQ(count(html, "<svg class=\"sqnr\""), 2u);
  const size_t bars =
      2 + 2 + layers("compile.json", "activation_errors") + layers("compare.json", "layers");
  EXPECT_EQ(count(html, "<rect class=\"bar\""), bars);
  // Self-contained, and names from files cannot inject markup.
  for (const char* outside : {"http", "<script", "<link", "<img", "url("})
    EXPECT_EQ(html.find(outside), std::string::npos);
  EXPECT_EQ(html.find("<b>&fp32"), std::string::npos);
  EXPECT_NE(html.find("&lt;b&gt;&amp;fp32.onnx"), std::string::npos);
}

TEST_F(ReportTest, InputsAreChecked) {
  expect_failure(qcc({"report", path("eval.json")}), 2, "-o REPORT.html is required");
  expect_failure(qcc({"report", path("eval.json"), "-o", path("eval.json")}), 2,
                 "is an input of this command");
  std::ofstream(path("other.json")) << "{\"name\": 1}";
  expect_failure(qcc({"report", path("other.json"), "-o", path("r.html")}), 1,
                 "other.json: not the JSON of qcc eval, compile --report or compare --per-layer");
  std::ofstream(path("broken.json")) << "{\"results\": [{\"model\": 3}]}";
  expect_failure(qcc({"report", path("broken.json"), "-o", path("r.html")}), 1,
                 "broken.json: not the JSON");
  std::ofstream(path("text.json")) << "not json";
  expect_failure(qcc({"report", path("text.json"), "-o", path("r.html")}), 1, "text.json");
  EXPECT_FALSE(fs::exists(path("r.html")));
}

}  // namespace
}  // namespace qcc
