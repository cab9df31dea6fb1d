#include "cli/eval_results.h"

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "cli/cli.h"
#include "ir/printable.h"

namespace qcc {

namespace {

double ms_per_image(const ModelResult& r) {
  return r.timed_images ? 1000 * r.inference_seconds / r.timed_images : 0;
}

double agreement(const ModelResult& r) {
  return r.agree_images ? static_cast<double>(r.agree_top1) / r.agree_images : 0;
}

void add_into(std::vector<int64_t>& a, const std::vector<int64_t>& b) {
  for (size_t i = 0; i < a.size(); ++i) a[i] += b[i];
}

cli::Json int_array(const std::vector<int64_t>& v) {
  cli::Json a = cli::Json::array();
  for (int64_t x : v) a.push(x);
  return a;
}

std::vector<int64_t> ints_of(const cli::Json& a) {
  std::vector<int64_t> v;
  for (const cli::Json& x : a.items()) v.push_back(x.integer());
  return v;
}

cli::Json result_json(const ModelResult& r, bool first) {
  // The fields of earlier versions first (fractions and times), then the counts that merge adds.
  const double n = static_cast<double>(std::max<int64_t>(r.images, 1));
  cli::Json j = cli::Json::object();
  j.set("model", r.model).set("precision", r.precision).set("size_bytes", r.size_bytes);
  j.set("top1", r.top1 / n)
      .set("top5", r.top5 / n)
      .set("images", r.images)
      .set("skipped", r.skipped);
  j.set("seconds", r.seconds).set("ms_per_image", ms_per_image(r));
  j.set("agreement_top1", first ? cli::Json::null() : cli::Json(agreement(r)));
  j.set("fingerprint", r.fingerprint).set("top1_count", r.top1).set("top5_count", r.top5);
  j.set("agree_top1_count", r.agree_top1).set("agree_images", r.agree_images);
  j.set("timed_images", r.timed_images).set("inference_seconds", r.inference_seconds);
  j.set("class_top1", int_array(r.class_top1)).set("class_top5", int_array(r.class_top5));
  return j;
}

ModelResult parse_result(const cli::Json& j) {
  ModelResult r;
  r.model = j.at("model").str();
  r.precision = j.at("precision").str();
  r.fingerprint = j.at("fingerprint").str();
  r.size_bytes = j.at("size_bytes").integer();
  r.images = j.at("images").integer();
  r.skipped = j.at("skipped").integer();
  r.top1 = j.at("top1_count").integer();
  r.top5 = j.at("top5_count").integer();
  r.agree_top1 = j.at("agree_top1_count").integer();
  r.agree_images = j.at("agree_images").integer();
  r.timed_images = j.at("timed_images").integer();
  r.inference_seconds = j.at("inference_seconds").number();
  r.seconds = j.at("seconds").number();
  r.class_top1 = ints_of(j.at("class_top1"));
  r.class_top5 = ints_of(j.at("class_top5"));
  return r;
}

}  // namespace

void tally(const Predictions& p, const std::vector<int>& line_class, EvalResults& r) {
  const size_t classes = line_class.empty() ? 0 : r.classes.size();
  r.class_images.assign(classes, 0);
  for (size_t m = 0; m < r.results.size(); ++m) {
    ModelResult& mr = r.results[m];
    mr.images = mr.skipped = mr.top1 = mr.top5 = mr.agree_top1 = mr.agree_images = 0;
    mr.class_top1.assign(classes, 0);
    mr.class_top5.assign(classes, 0);
    for (size_t i = 0; i < p.lines(); ++i) {
      const int top1 = p.top1_of(i, static_cast<int>(m));
      if (top1 < 0) {
        ++mr.skipped;
        continue;
      }
      const bool hit1 = top1 == p.label[i], hit5 = p.top5_of(i, static_cast<int>(m));
      ++mr.images;
      mr.top1 += hit1;
      mr.top5 += hit5;
      if (p.top1_of(i, 0) >= 0) {
        ++mr.agree_images;
        mr.agree_top1 += top1 == p.top1_of(i, 0);
      }
      if (!classes) continue;
      mr.class_top1[line_class[i]] += hit1;
      mr.class_top5[line_class[i]] += hit5;
      if (m == 0) ++r.class_images[line_class[i]];
    }
  }
}

void accumulate(EvalResults& a, const EvalResults& b) {
  add_into(a.class_images, b.class_images);
  a.resumed_images += b.resumed_images;
  a.wall_seconds += b.wall_seconds;
  for (size_t m = 0; m < a.results.size(); ++m) {
    ModelResult& x = a.results[m];
    const ModelResult& y = b.results[m];
    x.images += y.images;
    x.skipped += y.skipped;
    x.top1 += y.top1;
    x.top5 += y.top5;
    x.agree_top1 += y.agree_top1;
    x.agree_images += y.agree_images;
    x.timed_images += y.timed_images;
    x.inference_seconds += y.inference_seconds;
    x.seconds += y.seconds;
    add_into(x.class_top1, y.class_top1);
    add_into(x.class_top5, y.class_top5);
  }
}

std::string relative_to_json(const std::string& file, const std::string& json) {
  namespace fs = std::filesystem;
  return fs::absolute(file)
      .lexically_normal()
      .lexically_relative(fs::absolute(json).parent_path())
      .string();
}

std::string resolve_from_json(const std::string& relative, const std::string& json) {
  return (std::filesystem::path(json).parent_path() / relative).string();
}

cli::Json eval_json(const EvalResults& r) {
  cli::Json results = cli::Json::array(), errors = cli::Json::array(), classes = cli::Json::array();
  for (size_t i = 0; i < r.results.size(); ++i) results.push(result_json(r.results[i], i == 0));
  for (const auto& e : r.errors) errors.push(e);
  for (const auto& c : r.classes) classes.push(c);
  cli::Json shard = r.shards ? cli::Json::object().set("index", r.shard).set("count", r.shards)
                             : cli::Json::null();
  cli::Json j = cli::Json::object();
  j.set("results", results).set("errors", errors);
  j.set("folder", r.folder)
      .set("folder_fingerprint", r.folder_fingerprint)
      .set("images_total", r.images_total);
  j.set("shard", shard).set("merged_shards", r.merged_shards).set("complete", r.complete);
  j.set("resumed_images", r.resumed_images);
  j.set("predictions", r.predictions.empty() ? cli::Json::null() : cli::Json(r.predictions));
  j.set("batch", r.batch).set("wall_seconds", r.wall_seconds);
  j.set("classes", classes).set("class_images", int_array(r.class_images));
  return j;
}

EvalResults parse_eval_json(const cli::Json& j, const std::string& file) {
  try {
    EvalResults r;
    for (const cli::Json& m : j.at("results").items()) r.results.push_back(parse_result(m));
    for (const cli::Json& e : j.at("errors").items()) r.errors.push_back(e.str());
    r.folder = j.at("folder").str();
    r.folder_fingerprint = j.at("folder_fingerprint").str();
    r.images_total = j.at("images_total").integer();
    if (const cli::Json& s = j.at("shard"); !s.is_null()) {
      r.shard = static_cast<int>(s.at("index").integer());
      r.shards = static_cast<int>(s.at("count").integer());
    }
    r.merged_shards = static_cast<int>(j.at("merged_shards").integer());
    r.complete = j.at("complete").boolean();
    r.resumed_images = j.at("resumed_images").integer();
    if (const cli::Json& p = j.at("predictions"); !p.is_null()) r.predictions = p.str();
    r.batch = static_cast<int>(j.at("batch").integer());
    r.wall_seconds = j.at("wall_seconds").number();
    for (const cli::Json& c : j.at("classes").items()) r.classes.push_back(c.str());
    r.class_images = ints_of(j.at("class_images"));
    for (const ModelResult& m : r.results)
      if (m.class_top1.size() != r.classes.size() || m.class_top5.size() != r.classes.size())
        throw std::runtime_error("per-class counts of " + m.model + " do not match the classes");
    if (r.class_images.size() != r.classes.size())
      throw std::runtime_error("class_images does not match the classes");
    return r;
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(printable(file) + ": not a result of this qcc eval (" + e.what() +
                             ")");
  }
}

void print_eval_table(std::ostream& os, const EvalResults& r) {
  cli::Table t({"model", "precision", "size MB", "top-1 %", "top-5 %", "total s", "ms/img",
                "speed-up", "agree top-1 %"});
  const double base_ms = r.results.empty() ? 0 : ms_per_image(r.results[0]);
  for (size_t i = 0; i < r.results.size(); ++i) {
    const ModelResult& m = r.results[i];
    const double n = static_cast<double>(std::max<int64_t>(m.images, 1)), ms = ms_per_image(m);
    t.add({std::filesystem::path(m.model).filename().string(), m.precision,
           cli::fmt(m.size_bytes / 1e6, 1), cli::fmt(100.0 * m.top1 / n, 2),
           cli::fmt(100.0 * m.top5 / n, 2), cli::fmt(m.seconds, 1), cli::fmt(ms, 2),
           cli::fmt(ms > 0 ? base_ms / ms : 0, 2) + "x",
           i ? cli::fmt(100 * agreement(m), 2) : "-"});
  }
  os << "\n";
  t.print(os);
  os << "(ms/img: inference only, batch " << r.batch
     << "; total s: wall time including decoding)\n";
  for (const ModelResult& m : r.results)
    if (m.skipped) os << m.model << ": " << m.skipped << " unreadable image(s) skipped\n";
}

}  // namespace qcc
