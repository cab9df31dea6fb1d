// qcc report: the JSON files of qcc eval/merge, compile --report and compare --per-layer turned
// into one HTML page people can look at (cli/report_html.h). Each file's kind is told from its
// fields; older eval JSON (without the counts merge needs) is read too.
#include <cmath>
#include <filesystem>
#include <iostream>
#include <limits>

#include "cli/commands.h"
#include "cli/report_html.h"
#include "frontend/file_io.h"
#include "ir/printable.h"

namespace qcc {

const cli::CommandSpec& report_spec() {
  static const cli::CommandSpec s = {
      "report",
      "RESULTS.json... -o REPORT.html",
      "Write an HTML page of evaluation results, compiles and per-layer SQNR. The page is one\n"
      "self-contained file (inline SVG, no script, no network) made from qcc's JSON files:\n"
      "'qcc eval' or 'qcc merge' results give the accuracy/size/speed table and bar charts of\n"
      "ms/img and top-1 per model; 'qcc compile --report' files give the compiles' sizes and, for\n"
      "INT8, a bar chart of the SQNR of every quantized activation against FP32, as do\n"
      "'qcc compare FP32 QUANT --data DIR --per-layer --json' files. Each file's kind is told\n"
      "from its fields.",
      {{"o", "REPORT.html", "the page to write (required)", "", {}, true}},
      1};
  return s;
}

namespace {

std::string base_name(const std::string& path) {
  return std::filesystem::path(path).filename().string();
}

// JSON null stands for an infinite SQNR (no error at all).
double sqnr_of(const cli::Json& j) {
  return j.is_null() ? std::numeric_limits<double>::infinity() : j.number();
}

ReportEval read_eval(const cli::Json& j, const std::string& file) {
  ReportEval e{file, {}};
  for (const cli::Json& r : j.at("results").items()) {
    ReportModel m;
    m.model = r.at("model").str();
    m.precision = r.at("precision").str();
    m.size_bytes = r.at("size_bytes").integer();
    m.images = r.at("images").integer();
    m.top1 = r.at("top1").number();
    m.top5 = r.at("top5").number();
    m.ms_per_image = r.at("ms_per_image").number();
    if (const cli::Json& a = r.at("agreement_top1"); !a.is_null()) m.agreement = a.number();
    e.models.push_back(m);
  }
  return e;
}

// What the compile did, in a few words.
std::string compile_details(const cli::Json& j) {
  if (j.has("fp16")) {
    const cli::Json& f = j.at("fp16");
    return std::to_string(f.at("weights_converted").integer()) + " weight tensors to FP16, " +
           std::to_string(f.at("overflow").integer()) + " values overflowed, " +
           std::to_string(f.at("underflow").integer()) + " underflowed";
  }
  const cli::Json& q = j.at("int8");
  const bool narrow =
      q.has("weight_bits") && q.at("weight_bits").integer() != 8;  // older reports lack it
  return std::to_string(q.at("calibration_images").integer()) + " calibration images, " +
         q.at("calib_method").str() + ", " + q.at("weight_scales").str() + " weight scales" +
         (narrow ? ", " + std::to_string(q.at("weight_bits").integer()) + "-bit weights" : "");
}

void read_compile(const cli::Json& j, const std::string& file, Report& r) {
  ReportCompile c{j.at("model").str(),
                  j.at("output").str(),
                  j.at("precision").str(),
                  compile_details(j),
                  j.at("size_bytes_before").integer(),
                  j.at("size_bytes_after").integer()};
  r.compiles.push_back(c);
  if (!j.has("int8") || !j.at("int8").has("activation_errors")) return;
  const cli::Json& q = j.at("int8");
  SqnrSeries s{base_name(c.output) + " against " + base_name(c.model) + " (compile report, " +
                   std::to_string(q.at("error_images").integer()) + " calibration images)",
               file,
               {}};
  for (const cli::Json& l : q.at("activation_errors").items())
    s.layers.push_back({l.at("name").str(), "", sqnr_of(l.at("sqnr_db"))});
  r.sqnr.push_back(s);
}

SqnrSeries read_compare(const cli::Json& j, const std::string& file) {
  SqnrSeries s{base_name(j.at("quantized").str()) + " against " + base_name(j.at("fp32").str()) +
                   " (qcc compare --per-layer, " + std::to_string(j.at("images").integer()) +
                   " images)",
               file,
               {}};
  for (const cli::Json& l : j.at("layers").items())
    s.layers.push_back({l.at("name").str(), l.at("producer").str(), sqnr_of(l.at("sqnr_db"))});
  return s;
}

void read_file(const std::string& file, Report& r) {
  const cli::Json j = cli::Json::load(file);
  try {
    if (j.is_object() && j.has("results"))
      r.evals.push_back(read_eval(j, file));
    else if (j.is_object() && j.has("size_bytes_before"))
      read_compile(j, file, r);
    else if (j.is_object() && j.has("layers") && j.has("quantized"))
      r.sqnr.push_back(read_compare(j, file));
    else
      throw std::runtime_error("no 'results', 'size_bytes_before' or 'layers' member");
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(
        printable(file) + ": not the JSON of qcc eval, compile --report or compare --per-layer (" +
        e.what() + ")");
  }
}

}  // namespace

int run_report(const cli::Args& a) {
  if (!a.has("o")) throw cli::UsageError("-o REPORT.html is required");
  Report r;
  for (const std::string& file : a.positional()) read_file(file, r);
  const std::string html = render_report_html(r);
  write_file(a.str("o"), [&](std::ostream& f) { f << html; });
  size_t models = 0;
  for (const ReportEval& e : r.evals) models += e.models.size();
  std::cout << a.str("o") << ": " << models << " evaluated models, " << r.sqnr.size()
            << " per-layer SQNR charts, " << r.compiles.size() << " compiles\n";
  return 0;
}

}  // namespace qcc
