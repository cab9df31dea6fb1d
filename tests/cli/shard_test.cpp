// Sharded evaluation, merge and resume through the command line: shards merged, or a run resumed
// from a partial predictions file, give exactly the counts and files of one uninterrupted run; a
// shard or predictions file that does not belong is refused with one line naming it.
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

class ShardTest : public ::testing::Test {
 protected:
  // 3 classes of 4 images of different shades, and one unreadable image (skipped and counted).
  static void SetUpTestSuite() {
    dir_ = test::temp_folder("shard");
    int shade = 0;
    for (const char* c : {"a", "b", "c"}) {
      fs::create_directories(dir_ / "data" / c);
      for (int i = 0; i < 4; ++i)
        test::write_png(dir_ / "data" / c / (std::to_string(i) + ".png"), 310, 300, shade++);
    }
    std::ofstream(dir_ / "data" / "b" / "broken.png") << "not a png";
    save_onnx_file(classifier(3), model_a());
    save_onnx_file(classifier(11), model_b());
  }

  // input [N,3,299,299] -> GAP -> Flatten -> Gemm: 3 classes, weights from `seed`.
  static Graph classifier(uint32_t seed) {
    test::GraphBuilder b(seed);
    Value* x = b.input("input", {kDynamicDim, 3, 299, 299});
    Value* flat = b.node(Op::Flatten, {b.node(Op::GlobalAveragePool, {x})->out()},
                         test::attrs({{"axis", int64_t{1}}}))
                      ->out();
    b.output(b.node(Op::Gemm, {flat, b.constant("w", {3, 3}, -4, 4), b.constant("bias", {3})},
                    test::attrs({{"transB", int64_t{1}}}))
                 ->out());
    return b.take();
  }

  static std::string path(const std::string& name) { return (dir_ / name).string(); }
  static std::string model_a() { return path("a.onnx"); }
  static std::string model_b() { return path("b.onnx"); }

  // qcc eval of both models on the folder, writing NAME.json and NAME.txt, plus `extra` options.
  static test::Result eval(const std::string& name, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"eval",
                                     model_a(),
                                     model_b(),
                                     "--data",
                                     path("data"),
                                     "--json",
                                     path(name + ".json"),
                                     "--predictions",
                                     path(name + ".txt"),
                                     "--batch",
                                     "2"};
    args.insert(args.end(), extra.begin(), extra.end());
    return qcc(args);
  }

  // Runs the N shards of the folder as PREFIX1.json/.txt ... PREFIXN.json/.txt.
  static void shards(const std::string& prefix, int n) {
    for (int k = 1; k <= n; ++k) {
      const test::Result r = eval(prefix + std::to_string(k),
                                  {"--shard", std::to_string(k) + "/" + std::to_string(n)});
      ASSERT_EQ(r.code, 0) << r.err;
    }
  }

  static void write(const std::string& name, const std::string& text) {
    std::ofstream(path(name)) << text;
  }

  // What must not change between one run and its merged shards or its resumed run.
  static void expect_same_counts(const std::string& json_a, const std::string& json_b) {
    const cli::Json a = cli::Json::load(path(json_a)), b = cli::Json::load(path(json_b));
    for (const char* key : {"images_total", "folder_fingerprint", "classes", "class_images"})
      EXPECT_EQ(a.at(key).dump(), b.at(key).dump()) << key;
    ASSERT_EQ(a.at("results").items().size(), b.at("results").items().size());
    for (size_t m = 0; m < a.at("results").items().size(); ++m) {
      const cli::Json &x = a.at("results").items()[m], &y = b.at("results").items()[m];
      for (const char* key :
           {"top1", "top5", "agreement_top1", "images", "skipped", "top1_count", "top5_count",
            "agree_top1_count", "agree_images", "class_top1", "class_top5", "fingerprint"})
        EXPECT_EQ(x.at(key).dump(), y.at(key).dump()) << key << " of model " << m;
    }
  }

  static fs::path dir_;
};

fs::path ShardTest::dir_;

TEST_F(ShardTest, ShardsMergeIntoExactlyTheWholeRun) {
  ASSERT_EQ(eval("whole").code, 0);
  shards("s", 3);
  // Interleaved slices: shard K holds images K-1, K-1+3, ...; 13 images make slices of 5, 4 and 4.
  const char* files[] = {"s1.txt", "s2.txt", "s3.txt"};
  for (int k = 0; k < 3; ++k) {
    std::ifstream f(path(files[k]));
    int lines = 0;
    for (int64_t index; f >> index; f.ignore(1 << 10, '\n'), ++lines) EXPECT_EQ(index % 3, k);
    EXPECT_EQ(lines, k == 0 ? 5 : 4);
  }
  // Shards in any order.
  test::Result r = qcc({"merge", path("s3.json"), path("s1.json"), path("s2.json"), "--json",
                        path("merged.json"), "--predictions", path("merged.txt")});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("merged 3 shards: 13 images"), std::string::npos) << r.out;
  EXPECT_EQ(read(path("merged.txt")), read(path("whole.txt")));
  expect_same_counts("whole.json", "merged.json");
  const cli::Json whole = cli::Json::load(path("whole.json"));
  EXPECT_EQ(whole.at("results").items()[0].at("skipped").integer(), 1);
  EXPECT_EQ(whole.at("results").items()[0].at("images").integer(), 12);
  EXPECT_EQ(cli::Json::load(path("merged.json")).at("merged_shards").integer(), 3);
}

TEST_F(ShardTest, MergeNamesTheShardThatDoesNotBelong) {
  ASSERT_EQ(eval("whole").code, 0);
  shards("m", 3);
  shards("two", 2);
  expect_failure(qcc({"merge", path("m1.json"), path("m2.json")}), 1,
                 "missing shard 3/3 (got 2 of 3)");
  expect_failure(qcc({"merge", path("m1.json"), path("m3.json")}), 1, "missing shard 2/3");
  expect_failure(qcc({"merge", path("m1.json"), path("m2.json"), path("m3.json"), path("m1.json")}),
                 1, "m1.json: shard 1/3 again");
  expect_failure(qcc({"merge", path("m1.json"), path("two2.json")}), 1,
                 "two2.json: shard 2/2, but");
  expect_failure(qcc({"merge", path("whole.json")}), 1, "whole.json: not a shard");
  // Another image list (--limit), other models.
  ASSERT_EQ(eval("limited", {"--shard", "2/3", "--limit", "12"}).code, 0);
  expect_failure(qcc({"merge", path("m1.json"), path("limited.json"), path("m3.json")}), 1,
                 "limited.json: another image list");
  ASSERT_EQ(qcc({"eval", model_b(), model_a(), "--data", path("data"), "--shard", "2/3", "--json",
                 path("swapped.json")})
                .code,
            0);
  expect_failure(qcc({"merge", path("m1.json"), path("swapped.json"), path("m3.json")}), 1,
                 "swapped.json: other models");
  // An interrupted or failed shard; a file that is not an eval result.
  cli::Json j = cli::Json::load(path("m2.json"));
  cli::Json(j).set("complete", false).save(path("interrupted.json"));
  expect_failure(qcc({"merge", path("m1.json"), path("interrupted.json"), path("m3.json")}), 1,
                 "interrupted.json: shard 2/3 was interrupted");
  j.set("errors", cli::Json::array().push("b.onnx: no memory")).save(path("failed.json"));
  expect_failure(qcc({"merge", path("m1.json"), path("failed.json"), path("m3.json")}), 1,
                 "failed.json: shard 2/3 failed: b.onnx: no memory");
  write("other.json", "{\"results\": []}");
  expect_failure(qcc({"merge", path("other.json")}), 1,
                 "other.json: not a result of this qcc eval");
  // Predictions that do not match their shard.
  const std::string p3 = read(path("m3.txt"));
  write("m3.txt", p3.substr(0, p3.rfind('\n', p3.size() - 2) + 1));
  expect_failure(qcc({"merge", path("m1.json"), path("m2.json"), path("m3.json"), "--predictions",
                      path("p.txt")}),
                 1, "m3.txt: not the 4 images of shard 3/3 (3 lines)");
  write("m3.txt", p3);
  fs::remove(path("m2.txt"));
  expect_failure(qcc({"merge", path("m1.json"), path("m2.json"), path("m3.json"), "--predictions",
                      path("p.txt")}),
                 1, "m2.txt");
  EXPECT_FALSE(fs::exists(path("p.txt")));
}

TEST_F(ShardTest, ResumeFromAPartialPredictionsFileGivesTheSameTotals) {
  ASSERT_EQ(eval("whole").code, 0);
  const std::string whole = read(path("whole.txt"));
  size_t cut = 0;
  for (int i = 0; i < 5; ++i) cut = whole.find('\n', cut) + 1;
  write("resumed.txt", whole.substr(0, cut));
  test::Result r = eval("resumed", {"--resume"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(read(path("resumed.txt")), whole);
  expect_same_counts("whole.json", "resumed.json");
  const cli::Json j = cli::Json::load(path("resumed.json"));
  EXPECT_EQ(j.at("resumed_images").integer(), 5);
  EXPECT_EQ(j.at("results").items()[0].at("timed_images").integer(), 7);  // 8 left, one unreadable
  // A shard resumes too.
  shards("r", 2);
  const std::string shard = read(path("r2.txt"));
  write("r2.txt", shard.substr(0, shard.find('\n') + 1));
  ASSERT_EQ(eval("r2", {"--shard", "2/2", "--resume"}).code, 0);
  EXPECT_EQ(read(path("r2.txt")), shard);
}

TEST_F(ShardTest, ResumeRefusesPredictionsOfAnotherRun) {
  ASSERT_EQ(eval("whole").code, 0);
  const std::string whole = read(path("whole.txt"));
  expect_failure(qcc({"eval", model_a(), "--data", path("data"), "--resume"}), 2,
                 "--resume needs --predictions");
  // No file yet: a run from the start (a job script can always pass --resume).
  ASSERT_EQ(eval("absent", {"--resume"}).code, 0);
  EXPECT_EQ(read(path("absent.txt")), whole);
  // The first line is "0 A B LABEL F F": another label says the folder is not the same.
  std::string relabelled = whole;
  const size_t label_at = relabelled.find(' ', relabelled.find(' ', 2) + 1) + 1;
  relabelled[label_at] = relabelled[label_at] == '0' ? '1' : '0';
  write("relabelled.txt", relabelled);
  expect_failure(eval("relabelled", {"--resume"}), 1, "relabelled.txt: image 0 has label");
  write("shard.txt", whole);
  expect_failure(eval("shard", {"--resume", "--shard", "2/3"}), 1,
                 "image 0 is not one of this run's images");
  write("one_model.txt", whole);
  expect_failure(qcc({"eval", model_a(), "--data", path("data"), "--predictions",
                      path("one_model.txt"), "--resume"}),
                 1, "one_model.txt:1: 6 columns, expected 4");
  write("twice.txt", whole.substr(0, whole.find('\n') + 1) + whole);
  expect_failure(eval("twice", {"--resume"}), 1,
                 "twice.txt:2: image index 0 is not above the previous line's");
}

TEST_F(ShardTest, ShardOptionIsChecked) {
  for (const char* bad : {"0/3", "4/3", "3", "a/3", "1/0", "1/3/4", "-1/3", "1/2000000"})
    expect_failure(qcc({"eval", model_a(), "--data", path("data"), "--shard", bad}), 2,
                   "--shard expects K/N");
  expect_failure(qcc({"eval", model_a(), "--data", path("data"), "--shard", "1/14"}), 2,
                 "more shards than the 13 images");
}

}  // namespace
}  // namespace qcc
