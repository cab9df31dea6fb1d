// qcc compile: FP32 ONNX -> FP16 or MinMax-calibrated symmetric INT8 ONNX (standard QDQ).
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>

#include "frontend/onnx_export.h"
#include "frontend/onnx_import.h"
#include "passes/convert_fp16.h"
#include "passes/quantize_int8.h"
#include "runtime/calibrate.h"
#include "runtime/image_folder.h"
#include "runtime/session.h"
#include "tools/commands.h"

namespace qcc {

const cli::CommandSpec& compile_spec() {
  static const cli::CommandSpec s = {
      "compile", "MODEL.onnx --precision fp16|int8 -o OUT.onnx",
      "Compile a model to FP16 (f16 weights and activations, f32 inputs/outputs) or to INT8\n"
      "(symmetric int8 weights and activations, MinMax calibration on a folder of images,\n"
      "written as standard QDQ ONNX). The output runs in qcc and in ONNX Runtime.\n"
      "The seed's exact scheme is --calib-method minmax --weight-scales tensor.",
      {{"precision", "P", "fp16 or int8 (required)", ""},
       {"o", "OUT.onnx", "output model (required)", "", {}, true},
       {"calib", "DIR", "int8: calibration images, searched recursively (required for int8)", ""},
       {"calib-count", "N", "int8: images used, spread evenly over the folder", "1000", {{1, 1 << 30}}},
       {"calib-batch", "N", "int8: images per calibration batch", "16", {{1, 4096}}},
       {"calib-method", "M", "int8: minmax (extremes over all images) or minmax-avg (per-batch\n"
        "                             min/max averaged, ONNX Runtime's MinMax moving_average)", "minmax-avg"},
       {"weight-scales", "S", "int8: channel (one scale per output channel) or tensor", "channel"},
       {"float-classifier", "", "int8: keep Gemm layers (the classifier) in FP32", ""},
       {"report", "FILE.json", "write per-layer scales, FP16 overflow counts and sizes", "", {}, true},
       threads_option(),
       max_model_bytes_option()},
      1, 1};
  return s;
}

namespace {

cli::Json int8_report_json(const Int8Report& r, const CalibrationResult& c) {
  cli::Json acts = cli::Json::array(), layers = cli::Json::array();
  for (const auto& a : r.activations)
    acts.push(cli::Json::object().set("name", a.name).set("scale", a.scale).set("min", a.lo).set("max", a.hi)
                  .set("shared_scale", a.shared));
  int64_t saturated = 0;
  for (const auto& l : r.layers) {
    layers.push(cli::Json::object().set("name", l.name).set("op", l.op).set("weight_scale_min", l.weight_scale_min)
                    .set("weight_scale_max", l.weight_scale_max).set("bias_saturated", l.bias_saturated)
                    .set("weight_scales_widened", l.scales_widened));
    if (l.scales_widened)
      std::cerr << "int8: " << l.name << ": " << l.scales_widened << " weight scale(s) widened so the int32 bias fits\n";
    saturated += l.bias_saturated;
  }
  cli::Json skipped = cli::Json::array();
  for (const auto& s : c.skipped) skipped.push(s);
  return cli::Json::object().set("calibration_images", c.images).set("skipped", skipped)
      .set("activations", acts).set("layers", layers).set("bias_saturated", saturated);
}

}  // namespace

int run_compile(const cli::Args& a) {
  const std::string precision = a.str("precision"), out = a.str("o"), in = a.positional()[0];
  if (precision != "fp16" && precision != "int8") throw cli::UsageError("--precision must be fp16 or int8");
  if (out.empty()) throw cli::UsageError("-o OUT.onnx is required");
  if (precision == "int8" && !a.has("calib")) throw cli::UsageError("int8 needs --calib DIR (calibration images)");
  const std::string method = a.str("calib-method", "minmax-avg"), scales = a.str("weight-scales", "channel");
  if (method != "minmax" && method != "minmax-avg") throw cli::UsageError("--calib-method must be minmax or minmax-avg");
  if (scales != "channel" && scales != "tensor") throw cli::UsageError("--weight-scales must be channel or tensor");
  const int threads = static_cast<int>(a.integer("threads", 0));
  Graph g = import_onnx_file(in, import_options(a));
  PassContext ctx = runtime_pass_context();
  run_pipeline(g, optimize_pipeline(), ctx);

  cli::Json report = cli::Json::object();
  report.set("model", in).set("output", out).set("precision", precision);
  if (precision == "fp16") {
    Fp16Report r;
    run_convert_fp16(g, &r);
    report.set("fp16", cli::Json::object().set("weights_converted", r.weights).set("overflow", r.overflow)
                           .set("underflow", r.underflow).set("casts", r.casts));
    std::cout << "fp16: " << r.weights << " weight tensors, " << r.overflow << " values overflowed, "
              << r.underflow << " underflowed to zero\n";
  } else {
    const int64_t count = a.integer("calib-count", 1000), batch = a.integer("calib-batch", 16);
    if (count < 1 || batch < 1) throw cli::UsageError("--calib-count and --calib-batch must be >= 1");
    std::vector<std::string> images = spread_sample(find_images(a.str("calib")), count);
    cli::Progress progress("calibrate", static_cast<int64_t>(images.size()), "img");
    CalibrationResult cal = calibrate(g, images, static_cast<int>(batch), threads,
                                      [&](int64_t done) { progress.set(done); });
    progress.finish();
    for (const auto& s : cal.skipped) std::cerr << "skipped " << s << "\n";
    if (cal.images == 0) throw std::runtime_error(a.str("calib") + ": no calibration image could be decoded");
    for (const auto& [name, r] : cal.ranges)  // an int8 scale cannot represent an infinite range
      if (!std::isfinite(r.lo) || !std::isfinite(r.hi))
        throw std::runtime_error(in + ": activation '" + name + "' is not finite on the calibration images");
    Int8Options opt;
    for (auto& [k, v] : method == "minmax" ? cal.ranges : cal.mean_ranges) opt.ranges[k] = v;
    opt.per_channel = scales == "channel";
    opt.float_gemm = a.has("float-classifier");
    Int8Report r;
    Graph fp32 = g.clone();
    if (!run_quantize_int8(g, opt, &r)) throw std::runtime_error(in + ": nothing to quantize (no Conv/Gemm)");
    cli::Json j = int8_report_json(r, cal);
    j.set("calib_method", method).set("weight_scales", scales).set("float_classifier", opt.float_gemm);
    // Per-layer error on a few calibration images: where quantization hurts, what it clips.
    const std::vector<std::string> error_images = spread_sample(images, 8);
    auto errors = layer_errors(fp32, g, error_images, threads);
    cli::Json layers = cli::Json::array();
    std::vector<std::pair<double, std::string>> worst;
    for (auto& [name, e] : errors) {
      layers.push(cli::Json::object().set("name", name).set("sqnr_db", e.sqnr_db).set("clipped_pct", e.clipped_pct));
      worst.push_back({e.sqnr_db, name});
    }
    j.set("activation_errors", layers).set("error_images", static_cast<int64_t>(error_images.size()));
    report.set("int8", j);
    std::sort(worst.begin(), worst.end());
    std::cout << "int8: lowest activation SQNR vs FP32 (" << error_images.size() << " images):";
    for (size_t i = 0; i < std::min<size_t>(5, worst.size()); ++i)
      std::cout << " " << worst[i].second << " " << cli::fmt(worst[i].first, 1) << " dB;";
    std::cout << "\n";
    std::cout << "int8: " << cal.images << " calibration images, " << r.activations.size() << " activations, "
              << r.layers.size() << " layers quantized\n";
  }
  save_onnx_file(g, out);
  int64_t before = static_cast<int64_t>(std::filesystem::file_size(in));
  int64_t after = static_cast<int64_t>(std::filesystem::file_size(out));
  report.set("size_bytes_before", before).set("size_bytes_after", after);
  std::cout << out << ": " << cli::fmt(after / 1e6, 1) << " MB (" << cli::fmt(100.0 * after / before, 1)
            << "% of " << cli::fmt(before / 1e6, 1) << " MB)\n";
  if (a.has("report")) report.save(a.str("report"));
  return 0;
}

}  // namespace qcc
