// The page `qcc report` writes: one self-contained HTML file (inline CSS and SVG, no script, no
// network) with the accuracy/size/speed table of the evaluated models, bar charts of their
// inference time and top-1 accuracy, and a bar chart of the per-layer SQNR of each quantized model.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace qcc {

struct ReportModel {
  std::string model, precision;
  int64_t size_bytes = 0, images = 0;
  double top1 = 0, top5 = 0, ms_per_image = 0;
  double agreement = -1;  ///< top-1 agreement with the first model of its evaluation; -1: none
};

/// One evaluation (a qcc eval or qcc merge JSON): speed-up and agreement are against its first
/// model.
struct ReportEval {
  std::string source;
  std::vector<ReportModel> models;
};

struct LayerSqnr {
  std::string name, producer;
  double sqnr_db = 0;  ///< +inf: no error at all
};

/// Per-layer SQNR of one quantized model against FP32 (a compile report or qcc compare
/// --per-layer).
struct SqnrSeries {
  std::string title, source;
  std::vector<LayerSqnr> layers;  ///< in graph order
};

/// What a compile report says about one compiled file.
struct ReportCompile {
  std::string model, output, precision, details;
  int64_t size_before = 0, size_after = 0;
};

struct Report {
  std::vector<ReportEval> evals;
  std::vector<SqnrSeries> sqnr;
  std::vector<ReportCompile> compiles;
};

std::string render_report_html(const Report& r);

}  // namespace qcc
