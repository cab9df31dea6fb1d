// Calibration profiles survive a JSON round trip bit for bit, and foreign files are refused.
#include <gtest/gtest.h>

#include <cstring>

#include "test_util.h"
#include "cli/profile_json.h"

namespace qcc {
namespace {

CalibrationProfile sample_profile() {
  CalibrationProfile p;
  p.model = "m.onnx";
  p.fingerprint = 0xfedcba9876543210ull;
  p.images = 42;
  p.skipped = {"a.jpg: \"bad\"\nfile"};
  std::vector<float> v = test::random_floats(3000, 11, -3.f, 7.f);
  p.values["x"].add_batch(v.data(), 1000, 3, 3);
  p.values["x"].add_batch(v.data() + 1500, 500, 3, 3);
  p.values["x"].add_channel_sums(channel_sums_last(v.data(), 1000, 3, 3), 1000);
  p.values["zeros"].add_batch(std::vector<float>(10, 0.f).data(), 10, 1, 1);
  return p;
}

TEST(ProfileJsonTest, RoundTripIsExact) {
  CalibrationProfile p = sample_profile();
  CalibrationProfile q = profile_from_json(cli::Json::parse(profile_to_json(p).dump()), "test");
  EXPECT_EQ(q.model, p.model);
  EXPECT_EQ(q.fingerprint, p.fingerprint);
  EXPECT_EQ(q.images, p.images);
  EXPECT_EQ(q.skipped, p.skipped);
  ASSERT_EQ(q.values.size(), p.values.size());
  for (const auto& [name, a] : p.values) {
    const ValueStats& b = q.values.at(name);
    EXPECT_EQ(std::memcmp(&a.min, &b.min, 4), 0);
    EXPECT_EQ(std::memcmp(&a.max, &b.max, 4), 0);
    EXPECT_EQ(a.batch_min_sum, b.batch_min_sum);
    EXPECT_EQ(a.batch_max_sum, b.batch_max_sum);
    EXPECT_EQ(a.batches, b.batches);
    EXPECT_EQ(a.hist.width, b.hist.width);
    EXPECT_EQ(a.hist.counts, b.hist.counts);
    EXPECT_EQ(a.hist.zeros, b.hist.zeros);
    EXPECT_EQ(a.hist.nonfinite, b.hist.nonfinite);
    EXPECT_EQ(a.channel_sums, b.channel_sums);
    EXPECT_EQ(a.channel_rows, b.channel_rows);
  }
}

TEST(ProfileJsonTest, RejectsOtherDocuments) {
  EXPECT_THROW(profile_from_json(cli::Json::parse("{\"results\": []}"), "eval.json"), std::runtime_error);
  EXPECT_THROW(profile_from_json(cli::Json::parse("[1, 2]"), "x.json"), std::runtime_error);
  cli::Json j = profile_to_json(sample_profile());
  j.set("histogram_bins", 16);
  EXPECT_THROW(profile_from_json(j, "x.json"), std::runtime_error);
  try {
    profile_from_json(cli::Json::parse("{\"format\": \"qcc-calibration-profile\"}"), "p.json");
    FAIL();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("p.json"), std::string::npos) << e.what();
  }
}

TEST(JsonTest, ParsesWhatItWritesAndRejectsGarbage) {
  cli::Json j = cli::Json::object();
  j.set("a", 0.1f).set("b", 0.1).set("i", int64_t{-7}).set("s", "q\"\\\n\t").set("t", true);
  j.set("arr", cli::Json::array().push(1).push(cli::Json::null()));
  cli::Json k = cli::Json::parse(j.dump());
  EXPECT_EQ(static_cast<float>(k.at("a").number()), 0.1f);
  EXPECT_EQ(k.at("b").number(), 0.1);
  EXPECT_EQ(k.at("i").integer(), -7);
  EXPECT_EQ(k.at("s").str(), "q\"\\\n\t");
  EXPECT_TRUE(k.at("t").boolean());
  EXPECT_TRUE(k.at("arr").items()[1].is_null());
  EXPECT_EQ(j.dump(), k.dump());
  for (const char* bad : {"", "{", "[1,]", "{\"a\" 1}", "nul", "\"abc", "1 2", "[01x]"})
    EXPECT_THROW(cli::Json::parse(bad), std::runtime_error) << bad;
  EXPECT_THROW(cli::Json::parse(std::string(10000, '[')), std::runtime_error);
}

}  // namespace
}  // namespace qcc
