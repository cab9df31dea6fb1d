// The predictions file of qcc eval: one line per image saying what each model answered and
// whether that was right, so that an interrupted run can resume and shards can be merged without
// evaluating anything again.
//
//   INDEX TOP1_1 ... TOP1_M LABEL IN_TOP5_1 ... IN_TOP5_M
//
// INDEX is the image's position in the evaluated list (the folder in class-then-path order,
// after --limit; the same whatever --shard), TOP1_m model m's best class (-1: the image could not
// be read), LABEL the image's class and IN_TOP5_m 1 when LABEL is among model m's five best
// classes, else 0. Lines are in ascending INDEX order. The first 1 + M columns are the format of
// earlier versions, so readers of those keep working.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace qcc {

struct Predictions {
  int models = 0;
  std::vector<int64_t> index;    ///< image index of each line, ascending
  std::vector<int> label;        ///< class of each line's image
  std::vector<int> top1;         ///< lines x models; -1 = the image could not be read
  std::vector<uint8_t> in_top5;  ///< lines x models; 1 = the label is among the five best

  size_t lines() const { return index.size(); }
  int top1_of(size_t line, int model) const { return top1[line * models + model]; }
  bool top5_of(size_t line, int model) const { return in_top5[line * models + model] != 0; }
  /// Appends a line (`top1` and `in_top5` hold `models` values each).
  void add(int64_t image, int image_label, const int* top1s, const uint8_t* top5s);
};

/// Writes `p` atomically (see write_file).
void save_predictions(const std::string& path, const Predictions& p);

/// Reads a predictions file of `models` models. Throws naming the file and line for a line that
/// has another number of columns or values out of range, or whose INDEX is not above the previous
/// line's (a duplicate or a file put together out of order).
Predictions load_predictions(const std::string& path, int models);

}  // namespace qcc
