#include "cli/profile_json.h"

#include <cinttypes>
#include <cstdio>
#include <stdexcept>

namespace qcc {

namespace {

constexpr const char* kFormat = "qcc-calibration-profile";
constexpr int64_t kVersion = 1;

template <typename T>
cli::Json array_of(const std::vector<T>& v, size_t n) {
  cli::Json a = cli::Json::array();
  for (size_t i = 0; i < n; ++i) a.push(cli::Json(v[i]));
  return a;
}

cli::Json stats_to_json(const std::string& name, const ValueStats& s) {
  const std::vector<int64_t>& c = s.hist.counts;
  size_t used = c.size();
  while (used > 0 && c[used - 1] == 0) --used;  // trailing empty bins are implied
  cli::Json j = cli::Json::object();
  j.set("name", name).set("min", s.min).set("max", s.max).set("batches", s.batches);
  j.set("batch_min_sum", s.batch_min_sum).set("batch_max_sum", s.batch_max_sum);
  j.set("zeros", s.hist.zeros).set("nonfinite", s.hist.nonfinite).set("bin_width", s.hist.width);
  j.set("counts", array_of(c, used));
  if (!s.channel_sums.empty())
    j.set("channel_rows", s.channel_rows).set("channel_sums", array_of(s.channel_sums, s.channel_sums.size()));
  return j;
}

ValueStats stats_from_json(const cli::Json& j) {
  ValueStats s;
  s.min = static_cast<float>(j.at("min").number());
  s.max = static_cast<float>(j.at("max").number());
  s.batches = j.at("batches").integer();
  s.batch_min_sum = j.at("batch_min_sum").number();
  s.batch_max_sum = j.at("batch_max_sum").number();
  s.hist.zeros = j.at("zeros").integer();
  s.hist.nonfinite = j.at("nonfinite").integer();
  s.hist.width = static_cast<float>(j.at("bin_width").number());
  const auto& counts = j.at("counts").items();
  if (counts.size() > static_cast<size_t>(AbsHistogram::kBins)) throw std::runtime_error("too many histogram bins");
  if (s.hist.width > 0) s.hist.counts.assign(AbsHistogram::kBins, 0);
  else if (!counts.empty()) throw std::runtime_error("histogram counts without a bin width");
  for (size_t i = 0; i < counts.size(); ++i) s.hist.counts[i] = counts[i].integer();
  if (j.has("channel_sums")) {
    s.channel_rows = j.at("channel_rows").integer();
    for (const auto& x : j.at("channel_sums").items()) s.channel_sums.push_back(x.number());
  }
  return s;
}

}  // namespace

cli::Json profile_to_json(const CalibrationProfile& p) {
  char fp[17];
  std::snprintf(fp, sizeof fp, "%016" PRIx64, p.fingerprint);
  cli::Json values = cli::Json::array(), skipped = cli::Json::array();
  for (const auto& [name, s] : p.values) values.push(stats_to_json(name, s));
  for (const auto& s : p.skipped) skipped.push(s);
  return cli::Json::object()
      .set("format", kFormat)
      .set("version", kVersion)
      .set("model", p.model)
      .set("fingerprint", std::string(fp))
      .set("images", p.images)
      .set("skipped", skipped)
      .set("histogram_bins", int64_t{AbsHistogram::kBins})
      .set("values", values);
}

CalibrationProfile profile_from_json(const cli::Json& j, const std::string& what) {
  try {
    if (!j.is_object() || !j.has("format") || j.at("format").str() != kFormat)
      throw std::runtime_error("not a qcc calibration profile (no \"format\": \"" + std::string(kFormat) + "\")");
    if (j.at("version").integer() != kVersion || j.at("histogram_bins").integer() != AbsHistogram::kBins)
      throw std::runtime_error("profile version/bins not supported by this qcc");
    CalibrationProfile p;
    p.model = j.at("model").str();
    const std::string& fp = j.at("fingerprint").str();
    char* end = nullptr;
    p.fingerprint = std::strtoull(fp.c_str(), &end, 16);
    if (fp.size() != 16 || *end) throw std::runtime_error("bad fingerprint '" + fp + "'");
    p.images = j.at("images").integer();
    for (const auto& s : j.at("skipped").items()) p.skipped.push_back(s.str());
    for (const auto& v : j.at("values").items()) p.values[v.at("name").str()] = stats_from_json(v);
    return p;
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(what + ": " + e.what());
  }
}

}  // namespace qcc
