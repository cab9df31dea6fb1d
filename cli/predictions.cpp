#include "cli/predictions.h"

#include <charconv>
#include <fstream>
#include <stdexcept>

#include "frontend/file_io.h"
#include "ir/printable.h"

namespace qcc {

namespace {

// Whitespace-separated integers of one line; false when a word is not an integer.
bool parse_ints(const std::string& line, std::vector<int64_t>& out) {
  out.clear();
  const char* p = line.data();
  const char* end = p + line.size();
  while (true) {
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r')) ++p;
    if (p == end) return true;
    int64_t v = 0;
    auto [next, ec] = std::from_chars(p, end, v);
    if (ec != std::errc() || (next < end && *next != ' ' && *next != '\t' && *next != '\r'))
      return false;
    out.push_back(v);
    p = next;
  }
}

// Why the values of one line are not a prediction of `models` models ("" when they are).
std::string check_line(const std::vector<int64_t>& v, int models, int64_t previous) {
  const size_t columns = 2 + 2 * static_cast<size_t>(models);
  if (v.size() != columns)
    return std::to_string(v.size()) + " columns, expected " + std::to_string(columns) +
           " (INDEX, " + std::to_string(models) + " top-1 classes, LABEL, " +
           std::to_string(models) + " top-5 flags)";
  if (v[0] <= previous)
    return "image index " + std::to_string(v[0]) + " is not above the previous line's";
  constexpr int64_t kMaxClass = 1 << 30;
  if (v[1 + models] < 0 || v[1 + models] > kMaxClass) return "label out of range";
  for (int m = 0; m < models; ++m) {
    const int64_t top1 = v[1 + m], top5 = v[2 + models + m];
    if (top1 < -1 || top1 > kMaxClass) return "top-1 class out of range";
    if (top5 != 0 && top5 != 1) return "top-5 flag is not 0 or 1";
    if (top1 == -1 && top5) return "an image that could not be read has a top-5 flag";
  }
  return "";
}

}  // namespace

void Predictions::add(int64_t image, int image_label, const int* top1s, const uint8_t* top5s) {
  index.push_back(image);
  label.push_back(image_label);
  top1.insert(top1.end(), top1s, top1s + models);
  in_top5.insert(in_top5.end(), top5s, top5s + models);
}

void save_predictions(const std::string& path, const Predictions& p) {
  write_file(path, [&](std::ostream& f) {
    for (size_t i = 0; i < p.lines(); ++i) {
      f << p.index[i];
      for (int m = 0; m < p.models; ++m) f << ' ' << p.top1_of(i, m);
      f << ' ' << p.label[i];
      for (int m = 0; m < p.models; ++m) f << ' ' << int{p.top5_of(i, m)};
      f << '\n';
    }
  });
}

Predictions load_predictions(const std::string& path, int models) {
  regular_file_size(path, uint64_t{1} << 32);
  std::ifstream f(path);
  if (!f) throw std::runtime_error(printable(path) + ": cannot open");
  Predictions p;
  p.models = models;
  std::vector<int64_t> v;
  std::vector<int> top1(models);
  std::vector<uint8_t> top5(models);
  int64_t line_no = 0;
  for (std::string line; std::getline(f, line);) {
    ++line_no;
    std::string why = parse_ints(line, v) ? check_line(v, models, p.lines() ? p.index.back() : -1)
                                          : "not a line of integers";
    if (!why.empty())
      throw std::runtime_error(printable(path) + ":" + std::to_string(line_no) + ": " + why);
    for (int m = 0; m < models; ++m) {
      top1[m] = static_cast<int>(v[1 + m]);
      top5[m] = static_cast<uint8_t>(v[2 + models + m]);
    }
    p.add(v[0], static_cast<int>(v[1 + models]), top1.data(), top5.data());
  }
  if (f.bad()) throw std::runtime_error(printable(path) + ": read error");
  return p;
}

}  // namespace qcc
