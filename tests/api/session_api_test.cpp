// The public runtime library (qcc/session.h, linked as the shared libqcc): it runs a model as the
// internal runtime does, and its errors carry the very line the qcc command prints.
#include <gtest/gtest.h>
#include <qcc/session.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#define STB_IMAGE_WRITE_IMPLEMENTATION  // here once; cli_test_util.h includes stb_image_write.h
#include "cli/cli_test_util.h"
#include "frontend/onnx_export.h"
#include "graph_builder.h"
#include "onnx_builder.h"
#include "runtime/image.h"
#include "runtime/session.h"

namespace qcc {
namespace {

namespace fs = std::filesystem;

class ApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = test::temp_folder("api");
    test::write_png(dir_ / "photo.png", 320, 300, 1);
    std::ofstream(dir_ / "broken.png") << "not a png";
    test::GraphBuilder b(7);
    Value* x = b.input("input", {kDynamicDim, 3, 299, 299});
    Value* flat = b.node(Op::Flatten, {b.node(Op::GlobalAveragePool, {x})->out()},
                         test::attrs({{"axis", int64_t{1}}}))
                      ->out();
    b.output(b.node(Op::Gemm, {flat, b.constant("w", {4, 3}), b.constant("bias", {4})},
                    test::attrs({{"transB", int64_t{1}}}))
                 ->out());
    save_onnx_file(b.take(), model());
  }
  static std::string path(const std::string& name) { return (dir_ / name).string(); }
  static std::string model() { return path("model.onnx"); }

  // What `qcc run ARGS` prints after "error: " (or the whole error stream).
  static std::string cli_error(std::vector<std::string> args) {
    const std::string err = test::qcc(std::move(args)).err;
    const size_t at = err.find("error: ");
    return at == std::string::npos ? err : err.substr(at + 7, err.size() - at - 8);
  }

  static fs::path dir_;
};

fs::path ApiTest::dir_;

TEST_F(ApiTest, RunsAsTheInternalRuntime) {
  runtime::Session s(model(), {.threads = 2});
  EXPECT_EQ(s.threads(), 2);
  EXPECT_EQ(s.input_names(), std::vector<std::string>{"input"});
  ASSERT_EQ(s.output_names().size(), 1u);
  const runtime::Tensor image = s.load_image(path("photo.png"));
  EXPECT_EQ(image.shape, (std::vector<int64_t>{1, 3, 299, 299}));
  const std::vector<runtime::Tensor> out = s.run_image(path("photo.png"));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].shape, (std::vector<int64_t>{1, 4}));

  Session internal(import_onnx_file(model()), 1);
  const Tensor expected = internal.run({load_image_tensor(path("photo.png"))})[0];
  EXPECT_EQ(out[0].data, expected.to_floats());
  // A batch of two copies: the same row twice, whatever the thread count.
  runtime::Tensor batch{{2, 3, 299, 299}, image.data};
  batch.data.insert(batch.data.end(), image.data.begin(), image.data.end());
  const std::vector<runtime::Tensor> two = runtime::Session(model(), {.threads = 1}).run({batch});
  EXPECT_EQ(std::vector<float>(two[0].data.begin(), two[0].data.begin() + 4), out[0].data);
  EXPECT_EQ(std::vector<float>(two[0].data.begin() + 4, two[0].data.end()), out[0].data);
  EXPECT_FALSE(std::string(runtime::version()).empty());
}

TEST_F(ApiTest, ErrorsAreTheLinesTheCommandPrints) {
  auto error_of = [](auto&& f) -> std::string {
    try {
      f();
    } catch (const runtime::Error& e) {
      return e.what();
    }
    return "no error";
  };
  const std::string missing = path("missing.onnx");
  EXPECT_EQ(error_of([&] { runtime::Session s(missing); }),
            cli_error({"run", missing, path("photo.png")}));
  EXPECT_EQ(error_of([&] { runtime::Session s(model(), {.max_model_bytes = 10}); }),
            cli_error({"run", model(), path("photo.png"), "--max-model-bytes", "10"}));
  // An unreadable image: `qcc run` reports it on its own line of std::cerr, "PATH: why".
  runtime::Session s(model());
  std::ostringstream reported;
  std::streambuf* old = std::cerr.rdbuf(reported.rdbuf());
  test::qcc({"run", model(), path("broken.png")});
  std::cerr.rdbuf(old);
  EXPECT_EQ(error_of([&] { s.run_image(path("broken.png")); }) + "\n", reported.str());
  EXPECT_NE(error_of([&] {
              s.run({{{1, 3, 299, 299}, std::vector<float>(5)}});
            }).find("holds 268203 values"),
            std::string::npos);
  EXPECT_NE(error_of([&] {
              s.run({{{1, 3, 8, 8}, std::vector<float>(192)}});
            }).find("expects shape"),
            std::string::npos);
  EXPECT_NE(
      error_of([&] { runtime::Session t(model(), {.threads = 5000}); }).find("above the maximum"),
      std::string::npos);
}

}  // namespace
}  // namespace qcc
