#include "cli/report_html.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <sstream>

#include "cli/cli.h"
#include "ir/printable.h"

namespace qcc {

namespace {

// Colours the test finds in a screenshot: keep them distinct from everything else on the page.
constexpr const char* kHeaderFill = "#dbe4f0";
constexpr const char* kTimeFill = "#1565c0";
constexpr const char* kTop1Fill = "#6a1b9a";
constexpr const char* kSqnrGood = "#2e7d32";  // >= 30 dB
constexpr const char* kSqnrFair = "#f9a825";  // 20..30 dB
constexpr const char* kSqnrPoor = "#c62828";  // < 20 dB

std::string style() {
  return std::string(R"(
body { font-family: sans-serif; margin: 24px; color: #222; max-width: 1180px; }
h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 28px; }
table { border-collapse: collapse; margin: 8px 0; font-size: 14px; }
th, td { border: 1px solid #b0b8c4; padding: 4px 8px; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
p.note { font-size: 13px; color: #555; }
.charts { display: flex; flex-wrap: wrap; gap: 24px; }
svg text { font-family: sans-serif; font-size: 12px; fill: #222; }
svg .grid { stroke: #ddd; } svg .axis { stroke: #888; }
th { text-align: left; background: )") +
         kHeaderFill + "; }\n";
}

// Text from files, made safe inside HTML and SVG.
std::string esc(const std::string& s) {
  std::string out;
  for (char c : printable(s, 300)) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string base_name(const std::string& path) {
  return std::filesystem::path(path).filename().string();
}

std::string td(const std::string& text, bool number = true) {
  return (number ? "<td class=\"num\">" : "<td>") + text + "</td>";
}

std::string results_table(const ReportEval& e) {
  std::ostringstream h;
  h << "<table class=\"results\"><thead><tr><th>model</th><th>precision</th><th>size "
       "MB</th><th>size vs first</th>"
       "<th>top-1 %</th><th>top-5 %</th><th>ms/img</th><th>speed-up</th><th>top-1 agreement "
       "%</th></tr></thead><tbody>";
  const ReportModel& first = e.models.front();
  for (const ReportModel& m : e.models) {
    h << "<tr>" << td(esc(base_name(m.model)), false) << td(esc(m.precision), false)
      << td(cli::fmt(m.size_bytes / 1e6, 1))
      << td(first.size_bytes ? cli::fmt(100.0 * m.size_bytes / first.size_bytes, 1) + "%" : "-")
      << td(cli::fmt(100 * m.top1, 2)) << td(cli::fmt(100 * m.top5, 2))
      << td(cli::fmt(m.ms_per_image, 2))
      << td(m.ms_per_image > 0 ? cli::fmt(first.ms_per_image / m.ms_per_image, 2) + "x" : "-")
      << td(m.agreement < 0 ? "-" : cli::fmt(100 * m.agreement, 2)) << "</tr>";
  }
  h << "</tbody></table><p class=\"note\">" << esc(e.source) << ": " << first.images
    << " images; ms/img is inference only; speed-up, size and agreement are against "
    << esc(base_name(first.model)) << ".</p>";
  return h.str();
}

// One horizontal bar per model, labelled, scaled to the largest value.
std::string hbar_chart(const std::string& cls, const std::string& title, const ReportEval& e,
                       double ReportModel::*value, double scale, const char* fill, int decimals) {
  constexpr int kLabel = 200, kBar = 270, kRow = 26, kTop = 26;
  double top = 0;
  for (const ReportModel& m : e.models) top = std::max(top, scale * (m.*value));
  const int height = kTop + kRow * static_cast<int>(e.models.size()) + 6;
  std::ostringstream s;
  s << "<svg class=\"" << cls << "\" width=\"" << kLabel + kBar + 80 << "\" height=\"" << height
    << "\" role=\"img\"><text x=\"0\" y=\"16\" font-weight=\"bold\">" << esc(title) << "</text>";
  for (size_t i = 0; i < e.models.size(); ++i) {
    const double v = scale * (e.models[i].*value);
    const int y = kTop + kRow * static_cast<int>(i),
              w = top > 0 ? static_cast<int>(kBar * v / top) : 0;
    s << "<text x=\"0\" y=\"" << y + 15 << "\">" << esc(base_name(e.models[i].model)) << " ("
      << esc(e.models[i].precision) << ")</text>"
      << "<rect class=\"bar\" x=\"" << kLabel << "\" y=\"" << y + 2 << "\" width=\""
      << std::max(w, 1) << "\" height=\"" << kRow - 8 << "\" fill=\"" << fill << "\"/><text x=\""
      << kLabel + w + 6 << "\" y=\"" << y + 15 << "\">" << cli::fmt(v, decimals) << "</text>";
  }
  s << "</svg>";
  return s.str();
}

const char* sqnr_fill(double db) {
  return db >= 30 ? kSqnrGood : db >= 20 ? kSqnrFair : kSqnrPoor;
}

// The chart's dB range: whole tens around the finite values, at least 0..40.
std::pair<double, double> sqnr_range(const SqnrSeries& s) {
  double lo = 0, hi = 40;
  for (const LayerSqnr& l : s.layers)
    if (std::isfinite(l.sqnr_db)) {
      lo = std::min(lo, 10 * std::floor(l.sqnr_db / 10));
      hi = std::max(hi, 10 * std::ceil(l.sqnr_db / 10));
    }
  return {lo, hi};
}

// One vertical bar per quantized activation, in graph order; the tooltip names it.
std::string sqnr_chart(const SqnrSeries& s) {
  constexpr int kLeft = 46, kWidth = 1100, kPlot = 260, kTop = 10;
  const std::pair<double, double> range = sqnr_range(s);  // (a lambda below uses them: no binding)
  const double lo = range.first, hi = range.second;
  const double n = static_cast<double>(std::max<size_t>(s.layers.size(), 1)),
               bar = (kWidth - kLeft - 10) / n;
  auto y_of = [&](double db) { return kTop + kPlot * (hi - std::clamp(db, lo, hi)) / (hi - lo); };
  std::ostringstream c;
  c << "<svg class=\"sqnr\" width=\"" << kWidth << "\" height=\"" << kTop + kPlot + 40
    << "\" role=\"img\">";
  for (double db = lo; db <= hi; db += 10)
    c << "<line class=\"grid\" x1=\"" << kLeft << "\" x2=\"" << kWidth - 10 << "\" y1=\""
      << y_of(db) << "\" y2=\"" << y_of(db) << "\"/><text x=\"" << kLeft - 6 << "\" y=\""
      << y_of(db) + 4 << "\" text-anchor=\"end\">" << cli::fmt(db, 0) << "</text>";
  for (size_t i = 0; i < s.layers.size(); ++i) {
    const LayerSqnr& l = s.layers[i];
    const bool exact = !std::isfinite(l.sqnr_db);
    const double y0 = y_of(0), y = exact ? y_of(hi) : y_of(l.sqnr_db);
    c << "<rect class=\"bar\" x=\"" << kLeft + bar * i << "\" y=\"" << std::min(y, y0)
      << "\" width=\"" << std::max(bar - 1, 1.0) << "\" height=\""
      << std::max(std::abs(y0 - y), 1.0) << "\" fill=\""
      << (exact ? kSqnrGood : sqnr_fill(l.sqnr_db)) << "\"><title>" << esc(l.name)
      << (l.producer.empty() ? "" : " (" + esc(l.producer) + ")") << ": "
      << (exact ? "exact" : cli::fmt(l.sqnr_db, 1) + " dB") << "</title></rect>";
  }
  c << "<line class=\"axis\" x1=\"" << kLeft << "\" x2=\"" << kWidth - 10 << "\" y1=\"" << y_of(0)
    << "\" y2=\"" << y_of(0) << "\"/><text x=\"" << kLeft << "\" y=\"" << kTop + kPlot + 30
    << "\">SQNR in dB of each of the " << s.layers.size()
    << " quantized activations, in graph order (hover for names). Green >= 30 dB, amber 20-30, "
    << "red < 20.</text></svg>";
  return c.str();
}

std::string worst_layers(const SqnrSeries& s) {
  std::vector<const LayerSqnr*> order;
  for (const LayerSqnr& l : s.layers) order.push_back(&l);
  std::sort(order.begin(), order.end(), [](auto* a, auto* b) { return a->sqnr_db < b->sqnr_db; });
  std::ostringstream t;
  t << "<table class=\"worst\"><thead><tr><th>lowest SQNR</th><th>produced "
       "by</th><th>dB</th></tr></thead><tbody>";
  for (size_t i = 0; i < std::min<size_t>(5, order.size()); ++i)
    t << "<tr>" << td(esc(order[i]->name), false)
      << td(order[i]->producer.empty() ? "-" : esc(order[i]->producer), false)
      << td(std::isfinite(order[i]->sqnr_db) ? cli::fmt(order[i]->sqnr_db, 1) : "exact") << "</tr>";
  t << "</tbody></table>";
  return t.str();
}

std::string compile_table(const std::vector<ReportCompile>& compiles) {
  std::ostringstream t;
  t << "<table "
       "class=\"compiles\"><thead><tr><th>compiled</th><th>from</th><th>precision</th><th>size "
       "MB</th>"
       "<th>% of input</th><th>details</th></tr></thead><tbody>";
  for (const ReportCompile& c : compiles)
    t << "<tr>" << td(esc(base_name(c.output)), false) << td(esc(base_name(c.model)), false)
      << td(esc(c.precision), false) << td(cli::fmt(c.size_after / 1e6, 1))
      << td(c.size_before ? cli::fmt(100.0 * c.size_after / c.size_before, 1) : "-")
      << td(esc(c.details), false) << "</tr>";
  t << "</tbody></table>";
  return t.str();
}

}  // namespace

std::string render_report_html(const Report& r) {
  std::ostringstream h;
  h << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>qcc "
       "report</title><style>"
    << style() << "</style></head><body><h1>qcc quantization report</h1>";
  for (const ReportEval& e : r.evals) {
    if (e.models.empty()) continue;
    h << "<h2>Accuracy, size and speed</h2>" << results_table(e) << "<div class=\"charts\">"
      << hbar_chart("time", "Inference time, ms per image", e, &ReportModel::ms_per_image, 1,
                    kTimeFill, 2)
      << hbar_chart("top1", "Top-1 accuracy, %", e, &ReportModel::top1, 100, kTop1Fill, 2)
      << "</div>";
  }
  for (const SqnrSeries& s : r.sqnr)
    h << "<h2>Per-layer SQNR: " << esc(s.title) << "</h2>" << sqnr_chart(s) << worst_layers(s)
      << "<p class=\"note\">from " << esc(s.source) << "</p>";
  if (!r.compiles.empty()) h << "<h2>Compilation</h2>" << compile_table(r.compiles);
  h << "</body></html>\n";
  return h.str();
}

}  // namespace qcc
