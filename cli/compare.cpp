#include "cli/compare.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <stdexcept>

#include "frontend/tensor_proto.h"

namespace fs = std::filesystem;

namespace qcc {

namespace {

// Files named prefix_K.pb in K order.
std::vector<fs::path> numbered(const fs::path& dir, const std::string& prefix) {
  std::map<int, fs::path> found;
  for (const auto& e : fs::directory_iterator(dir)) {
    std::string f = e.path().filename().string();
    if (f.rfind(prefix, 0) != 0 || e.path().extension() != ".pb") continue;
    try {
      found[std::stoi(f.substr(prefix.size()))] = e.path();
    } catch (const std::exception&) {
    }
  }
  std::vector<fs::path> out;
  for (auto& [k, p] : found) out.push_back(p);
  return out;
}

TestDataSet load_set(const fs::path& dir) {
  TestDataSet s;
  s.dir = dir.string();
  for (const auto& p : numbered(dir, "input_")) s.inputs.push_back(load_tensor_file(p.string()));
  for (const auto& p : numbered(dir, "output_")) s.outputs.push_back(load_tensor_file(p.string()));
  return s;
}

int64_t argmax_row(const Tensor& t, int64_t row, int64_t cols) {
  int64_t best = 0;
  for (int64_t j = 1; j < cols; ++j)
    if (t.as_double(row * cols + j) > t.as_double(row * cols + best)) best = j;
  return best;
}

}  // namespace

std::vector<TestDataSet> load_test_data(const std::string& dir) {
  if (!fs::is_directory(dir)) throw std::runtime_error(dir + ": not a directory");
  std::vector<TestDataSet> sets;
  if (!numbered(dir, "input_").empty()) {
    sets.push_back(load_set(dir));
  } else {
    std::vector<fs::path> subs;
    for (const auto& e : fs::directory_iterator(dir))
      if (e.is_directory() && e.path().filename().string().rfind("test_data_set_", 0) == 0)
        subs.push_back(e.path());
    std::sort(subs.begin(), subs.end());
    for (const auto& s : subs) sets.push_back(load_set(s));
  }
  if (sets.empty()) throw std::runtime_error(dir + ": no input_K.pb files or test_data_set_* folders");
  for (const auto& s : sets)
    if (s.outputs.empty()) throw std::runtime_error(s.dir + ": no output_K.pb reference files");
  return sets;
}

void accumulate(OutputStats& s, const Tensor& got, const Tensor& ref, double atol, double rtol) {
  if (got.shape() != ref.shape()) {
    s.mismatch = "shape " + shape_str(got.shape()) + " != reference " + shape_str(ref.shape());
    return;
  }
  double sig = 0, noise = 0;
  for (int64_t i = 0; i < ref.numel(); ++i) {
    double r = ref.as_double(i), g = got.as_double(i), e = std::fabs(g - r);
    bool both_nan = std::isnan(r) && std::isnan(g);
    if (both_nan) continue;
    if (std::isnan(e)) e = std::numeric_limits<double>::infinity();
    s.max_abs_err = std::max(s.max_abs_err, e);
    s.max_ref = std::max(s.max_ref, std::fabs(r));
    if (!(e <= atol + rtol * std::fabs(r)) && !(std::isinf(r) && g == r)) ++s.outside_tol;
    sig += r * r;
    noise += std::isinf(e) ? 0 : e * e;
  }
  s.elements += ref.numel();
  s.max_rel_err = s.max_ref > 0 ? s.max_abs_err / s.max_ref : s.max_abs_err;
  s.sqnr_sig += sig;
  s.sqnr_noise += noise;
  s.sqnr_db = s.sqnr_noise > 0 ? 10 * std::log10(s.sqnr_sig / s.sqnr_noise)
                               : std::numeric_limits<double>::infinity();
  if (ref.shape().size() == 2 && ref.shape()[1] > 1) {
    int64_t rows = ref.shape()[0], cols = ref.shape()[1], agree = 0;
    for (int64_t r = 0; r < rows; ++r) agree += argmax_row(got, r, cols) == argmax_row(ref, r, cols);
    s.top1_rows += rows;
    s.top1_agree += agree;
    s.top1_agreement = static_cast<double>(s.top1_agree) / s.top1_rows;
  }
}

std::vector<OutputStats> compare_on(Session& session, const std::vector<TestDataSet>& sets,
                                    double atol, double rtol) {
  std::vector<OutputStats> stats;
  for (const auto& set : sets) {
    std::vector<Tensor> got = session.run(set.inputs);
    if (stats.empty()) {
      const auto& outs = session.graph().outputs;
      for (size_t i = 0; i < set.outputs.size(); ++i) {
        stats.emplace_back();
        stats.back().name = i < outs.size() ? outs[i]->name : "output_" + std::to_string(i);
      }
    }
    if (got.size() < set.outputs.size())
      throw std::runtime_error(set.dir + ": model has " + std::to_string(got.size()) +
                               " outputs, references " + std::to_string(set.outputs.size()));
    for (size_t i = 0; i < set.outputs.size() && i < stats.size(); ++i)
      accumulate(stats[i], got[i], set.outputs[i], atol, rtol);
  }
  return stats;
}

}  // namespace qcc
