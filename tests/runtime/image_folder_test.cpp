// Image folders, decoding failures and the batch loader, and `qcc eval` on a small folder with a
// corrupt JPEG, an empty class folder and a missing folder.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>

#include "frontend/onnx_export.h"
#include "graph_builder.h"
#include "runtime/batch_loader.h"
#include "runtime/image_folder.h"
#include "cli/commands.h"

namespace qcc {
namespace {

namespace fs = std::filesystem;

// A folder: a/ (two PNGs, one grayscale), b/ (a PNG and a corrupt JPEG), c_empty/.
class ImageFolderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::path(testing::TempDir()) / ("qcc_folder_" + std::to_string(::getpid()));
    fs::remove_all(root_);
    for (const char* d : {"a", "b", "c_empty"}) fs::create_directories(root_ / d);
    write_png(root_ / "a" / "1.png", 400, 300, 3, 10);
    write_png(root_ / "a" / "2.png", 320, 500, 1, 200);
    write_png(root_ / "b" / "3.png", 350, 350, 3, 90);
    std::ofstream(root_ / "b" / "broken.jpg") << "\xff\xd8\xff\xe0 not really a jpeg";
    std::ofstream(root_ / "b" / "notes.txt") << "not an image";
  }
  void TearDown() override { fs::remove_all(root_); }

  static void write_png(const fs::path& p, int w, int h, int c, int base) {
    std::vector<uint8_t> px(static_cast<size_t>(w) * h * c);
    for (size_t i = 0; i < px.size(); ++i) px[i] = static_cast<uint8_t>(base + i % 37);
    ASSERT_TRUE(stbi_write_png(p.c_str(), w, h, c, px.data(), w * c));
  }

  fs::path root_;
};

TEST_F(ImageFolderTest, ClassesAreSortedFolderNamesAndEmptyOnesAreReported) {
  ImageFolder f = read_image_folder(root_.string());
  EXPECT_EQ(f.classes, (std::vector<std::string>{"a", "b", "c_empty"}));
  EXPECT_EQ(f.empty_classes, (std::vector<std::string>{"c_empty"}));
  ASSERT_EQ(f.images.size(), 4u);  // notes.txt is not an image
  EXPECT_EQ(f.images[0].label, 0);
  EXPECT_EQ(f.images[3].label, 1);
  EXPECT_THROW(read_image_folder((root_ / "missing").string()), std::runtime_error);
  EXPECT_THROW(read_image_folder((root_ / "a").string()), std::runtime_error);  // no class folders
  EXPECT_EQ(find_images(root_.string()).size(), 4u);
}

TEST_F(ImageFolderTest, LoaderSkipsUndecodableImagesAndKeepsOrder) {
  ImageFolder f = read_image_folder(root_.string());
  std::vector<std::string> paths;
  for (const auto& im : f.images) paths.push_back(im.path);
  std::vector<size_t> ok, bad;
  for_each_batch(paths, 2, Preprocess{}, 2, [&](Batch& b) {
    EXPECT_EQ(b.input.shape()[0], static_cast<int64_t>(b.indices.size()));
    ok.insert(ok.end(), b.indices.begin(), b.indices.end());
    for (auto& [i, why] : b.failed) {
      bad.push_back(i);
      EXPECT_FALSE(why.empty());
    }
  });
  EXPECT_EQ(ok, (std::vector<size_t>{0, 1, 2}));  // b/3.png sorts before b/broken.jpg
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_NE(paths[bad[0]].find("broken.jpg"), std::string::npos);
  EXPECT_EQ(spread_sample(paths, 2), (std::vector<std::string>{paths[0], paths[2]}));
}

TEST_F(ImageFolderTest, EvalCountsSkippedImagesAndFailsOnMissingFolder) {
  // A tiny classifier over the 3 classes: average pool, then a dense layer.
  test::GraphBuilder b;
  Value* x = b.input("input", {kDynamicDim, 3, 299, 299});
  Value* gap = b.node(Op::GlobalAveragePool, {x})->out();
  Value* flat = b.node(Op::Flatten, {gap}, test::attrs({{"axis", int64_t{1}}}))->out();
  b.output(b.node(Op::Gemm, {flat, b.constant("w", {3, 3}), b.constant("bias", {3})},
                  test::attrs({{"transB", int64_t{1}}}))->out());
  std::string model = (root_ / "tiny.onnx").string(), json = (root_ / "eval.json").string();
  save_onnx_file(b.graph(), model);
  std::string data = root_.string();
  std::vector<std::string> argv_s = {model, "--data", data, "--batch", "2", "--json", json};
  std::vector<char*> argv;
  for (auto& s : argv_s) argv.push_back(s.data());
  cli::Args args(eval_spec(), static_cast<int>(argv.size()), argv.data());
  EXPECT_EQ(run_eval(args), 0);
  std::ifstream f(json);
  std::string text((std::istreambuf_iterator<char>(f)), {});
  EXPECT_NE(text.find("\"images\": 3"), std::string::npos) << text;
  EXPECT_NE(text.find("\"skipped\": 1"), std::string::npos) << text;

  std::string missing = (root_ / "nope").string();
  std::vector<std::string> bad_s = {model, "--data", missing};
  std::vector<char*> bad;
  for (auto& s : bad_s) bad.push_back(s.data());
  cli::Args bad_args(eval_spec(), static_cast<int>(bad.size()), bad.data());
  EXPECT_THROW(run_eval(bad_args), std::runtime_error);
}

}  // namespace
}  // namespace qcc
