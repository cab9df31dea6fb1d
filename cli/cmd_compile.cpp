// qcc compile: FP32 ONNX -> FP16, or calibrated symmetric INT8 ONNX (standard QDQ).
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <map>

#include "compiler/compare_layers.h"
#include "compiler/compile.h"
#include "compiler/mixed_precision.h"
#include "frontend/onnx_export.h"
#include "runtime/batch_loader.h"
#include "runtime/image_folder.h"
#include "cli/commands.h"
#include "cli/profile_json.h"

namespace qcc {

const cli::CommandSpec& compile_spec() {
  static const cli::CommandSpec s = [] {
    cli::CommandSpec c = {
        "compile", "MODEL.onnx --precision fp16|int8 -o OUT.onnx",
        "Compile a model to FP16 (f16 weights and activations, f32 inputs/outputs) or to INT8\n"
        "(symmetric int8 weights and activations, calibrated on a folder of images or from a\n"
        "`qcc calibrate` profile, written as standard QDQ ONNX). The output runs in qcc and in\n"
        "ONNX Runtime. The seed's exact scheme is --calib-method minmax --weight-scales tensor\n"
        "--activations s8 --no-bias-correction.",
        {{"precision", "P", "fp16 or int8 (required)", ""}, {"o", "OUT.onnx", "output model (required)", "", {}, true}},
        1, 1};
    for (auto& o : calib_folder_options()) c.options.push_back(o);
    // clang-format off: one option per entry, help lines aligned as --help prints them
    c.options.insert(c.options.end(), {
        {"profile", "FILE", "int8: calibrate from this `qcc calibrate` profile (no images needed)", ""},
        {"calib-method", "M", "int8: how activation ranges are chosen:\n"
         "      minmax          max |x| seen (the seed's; one outlier stretches the scale)\n"
         "      minmax-avg      per-batch extremes averaged (ONNX Runtime moving_average)\n"
         "      percentile[:P]  the P-th percentile of |x| (default 99.99): clips rare outliers\n"
         "      entropy         min KL divergence (TensorRT): for long-tailed activations\n"
         "      mse             min expected squared error of clipping + rounding", "mse"},
        {"weight-scales", "S", "int8: channel (one scale per output channel) or tensor", "channel"},
        {"weight-bits", "B", "int8: 8, or 7 (weights in -63..63: faster int8 kernels on AVX2 CPUs\n"
         "                             without VNNI, at some accuracy; see the README)", "8"},
        {"activations", "A", "int8: auto (u8 with zero point 0 where values cannot be negative, e.g.\n"
         "                             after ReLU; s8 elsewhere), s8 (signed everywhere, the seed's) or u8\n"
         "                             (asymmetric u8 everywhere: ONNX Runtime's quantize_static form)", "auto"},
        {"no-bias-correction", "", "int8: keep biases as they are (by default each channel's bias is shifted\n"
         "                             by the mean error its quantized weights cause on the calibration\n"
         "                             data, Nagel et al. 2019)", ""},
        {"float-classifier", "", "int8: keep Gemm layers (the classifier) in FP32", ""},
        {"weight-rounding", "R", "int8: nearest (each weight to its nearest level) or gptq (round column\n"
         "                             by column, spreading each error over the weights left so the layer's\n"
         "                             output error on calibration images is small; Frantar et al. 2022;\n"
         "                             needs --calib)", "nearest"},
        {"gptq-count", "N", "int8: calibration images (from --calib) GPTQ's input moments come from", "128"},
        {"max-drop", "X", "int8: keep the most sensitive layers in FP32 until the estimated top-1 drop\n"
         "                             on held-out calibration images is <= X points (needs --calib)", ""},
        {"keep-float", "K", "int8: keep the K most sensitive layers in FP32 (needs --calib)", ""},
        {"sensitivity-count", "N", "int8: held-out images (from --calib, beyond --calib-count) for\n"
         "                             --max-drop / --keep-float", "250"},
        {"report", "FILE.json", "write per-layer scales, errors, FP16 overflow counts and sizes", "", {}, true},
        threads_option(), max_model_bytes_option(), max_image_pixels_option()});
    // clang-format on
    return c;
  }();
  return s;
}

namespace {

// Output positions per image GPTQ's moments sample: all of Mixed_6 (17 x 17) and smaller, a spread
// of the larger maps (whose layers have few inputs, so their moments need fewer samples).
constexpr int64_t kGptqPositions = 289;

Int8CompileOptions int8_options(const cli::Args& a) {
  Int8CompileOptions o;
  const std::string method = a.str("calib-method", "mse"), scales = a.str("weight-scales", "channel");
  auto spec = CalibSpec::parse(method);
  if (!spec) throw cli::UsageError("--calib-method must be minmax, minmax-avg, percentile[:P], entropy or mse");
  if (scales != "channel" && scales != "tensor") throw cli::UsageError("--weight-scales must be channel or tensor");
  o.calib = *spec;
  o.per_channel = scales == "channel";
  const std::string bits = a.str("weight-bits", "8");
  if (bits != "7" && bits != "8") throw cli::UsageError("--weight-bits must be 7 or 8");
  o.weight_bits = bits == "7" ? 7 : 8;
  const std::string acts = a.str("activations", "auto");
  using Acts = Int8Options::Activations;
  if (acts == "auto") o.activations = Acts::automatic;
  else if (acts == "s8") o.activations = Acts::s8;
  else if (acts == "u8") o.activations = Acts::u8;
  else throw cli::UsageError("--activations must be auto, s8 or u8");
  o.bias_correction = !a.has("no-bias-correction");
  o.float_classifier = a.has("float-classifier");
  return o;
}

cli::Json int8_report_json(const Int8Report& r, const CalibrationProfile& p, const Int8CompileOptions& o) {
  cli::Json acts = cli::Json::array(), layers = cli::Json::array(), skipped = cli::Json::array();
  for (const auto& a : r.activations) {
    const ValueStats& s = p.values.at(a.name);
    acts.push(cli::Json::object().set("name", a.name).set("scale", a.scale).set("min", a.lo).set("max", a.hi)
                  .set("observed_min", s.min).set("observed_max", s.max).set("shared_scale", a.shared)
                  .set("type", dtype_name(a.type)).set("zero_point", a.zero_point));
  }
  int64_t saturated = 0;
  for (const auto& l : r.layers) {
    layers.push(cli::Json::object()
                    .set("name", l.name)
                    .set("op", l.op)
                    .set("weight_scale_min", l.weight_scale_min)
                    .set("weight_scale_max", l.weight_scale_max)
                    .set("bias_saturated", l.bias_saturated)
                    .set("bias_corrected", l.bias_corrected)
                    .set("weight_rounding", l.gptq ? "gptq" : "nearest")
                    .set("weight_scales_widened", l.scales_widened));
    if (l.scales_widened)
      std::cerr << "int8: " << l.name << ": " << l.scales_widened << " weight scale(s) widened so the int32 bias fits\n";
    saturated += l.bias_saturated;
  }
  for (const auto& s : p.skipped) skipped.push(s);
  return cli::Json::object().set("calibration_images", p.images).set("skipped", skipped)
      .set("calib_method", o.calib.str()).set("weight_scales", o.per_channel ? "channel" : "tensor")
      .set("weight_bits", o.weight_bits)
      .set("activations", o.activations == Int8Options::Activations::automatic ? "auto"
                          : o.activations == Int8Options::Activations::s8   ? "s8"
                                                                             : "u8")
      .set("bias_correction", o.bias_correction).set("float_classifier", o.float_classifier)
      .set("activations", acts).set("layers", layers).set("bias_saturated", saturated);
}

// Per-layer error of the int8 graph against FP32 on a few calibration images: where quantization
// hurts and what the scales clip.
void add_error_report(const Graph& fp32, const Graph& int8, const std::vector<std::string>& images,
                      const cli::Args& a, cli::Json& j) {
  const int threads = static_cast<int>(a.integer("threads", 0));
  std::vector<std::string> skipped;
  ModelComparison c = compare_models(fp32, int8, image_batches(images, 4, preprocess_options(a), &skipped, [](int64_t) {}), threads);
  cli::Json layers = cli::Json::array();
  std::vector<const LayerError*> worst;
  for (const LayerError& e : c.layers) {
    layers.push(cli::Json::object().set("name", e.name).set("sqnr_db", e.sqnr_db).set("cosine", e.cosine)
                    .set("clipped_pct", e.clipped_pct));
    worst.push_back(&e);
  }
  j.set("activation_errors", layers).set("error_images", c.images);
  std::sort(worst.begin(), worst.end(), [](auto* x, auto* y) { return x->sqnr_db < y->sqnr_db; });
  std::cout << "int8: lowest activation SQNR vs FP32 (" << c.images << " images):";
  for (size_t i = 0; i < std::min<size_t>(5, worst.size()); ++i)
    std::cout << " " << worst[i]->name << " " << cli::fmt(worst[i]->sqnr_db, 1) << " dB;";
  std::cout << "\n";
}

// Held-out images for sensitivity: --sensitivity-count images of the --calib folder that
// calibration did not use (or, when it used them all, some of those, with a warning). Labels
// come from the class folders when the folder is ImageNet-style with one class per output.
HeldOut load_held_out(const cli::Args& a, const Graph& g) {
  const std::string dir = a.str("calib");
  const std::vector<std::string> all = find_images(dir);
  const std::vector<std::string> used = spread_sample(all, static_cast<size_t>(a.integer("calib-count", 1000)));
  std::vector<std::string> rest;
  std::set_difference(all.begin(), all.end(), used.begin(), used.end(), std::back_inserter(rest));
  const size_t count = static_cast<size_t>(a.integer("sensitivity-count", 250));
  if (rest.size() < count)
    std::cerr << "warning: " << dir << " has " << rest.size() << " images beyond the calibration sample; "
              << "sensitivity is measured on calibration images, so the drop estimate is optimistic\n";
  std::vector<std::string> paths = spread_sample(rest.size() >= count ? rest : used, count);
  std::map<std::string, int> label;
  try {
    ImageFolder f = read_image_folder(dir);
    const Shape& out = g.outputs.at(0)->shape;
    if (!out.empty() && out.back() == static_cast<int64_t>(f.classes.size()))
      for (const auto& im : f.images) label[im.path] = im.label;
  } catch (const std::runtime_error&) {  // not class folders: unlabeled
  }
  HeldOut h;
  cli::Progress progress("held-out", static_cast<int64_t>(paths.size()), "img");
  for_each_batch(paths, 16, preprocess_options(a), 2, [&](Batch& b) {
    if (!b.indices.empty()) {
      h.batches.push_back(std::move(b.input));
      std::vector<int>& l = h.labels.emplace_back();
      for (size_t i : b.indices) l.push_back(label.count(paths[i]) ? label[paths[i]] : -1);
    }
    progress.advance(static_cast<int64_t>(b.indices.size() + b.failed.size()));
  });
  return h;
}

cli::Json mixed_precision_json(const MixedPrecisionResult& m) {
  cli::Json ranking = cli::Json::array(), trials = cli::Json::array(), kept = cli::Json::array();
  for (const auto& l : m.ranking)
    ranking.push(cli::Json::object().set("name", l.node).set("op", l.op).set("output_sqnr_db", l.output_sqnr_db)
                     .set("flips_pct", l.flips_pct));
  for (const auto& t : m.trials)
    trials.push(cli::Json::object()
                    .set("kept_float", t.kept)
                    .set("estimated_drop", t.drop_pct)
                    .set("estimated_drop_stderr", t.drop_stderr_pct)
                    .set("flips_pct", t.flips_pct));
  for (size_t i = 0; i < m.keep_float.size(); ++i)
    kept.push(cli::Json::object().set("name", m.keep_float[i]).set("output_sqnr_db", m.ranking[i].output_sqnr_db)
                  .set("why", "sensitivity rank " + std::to_string(i + 1) + " of " + std::to_string(m.ranking.size())));
  return cli::Json::object().set("labeled", m.labeled).set("fp32_top1", m.fp32_top1_pct).set("kept_float", kept)
      .set("trials", trials).set("sensitivity", ranking);
}

// --max-drop / --keep-float: adds the chosen layers to o.keep_float and reports the search.
cli::Json choose_mixed(const Graph& fp32, const CalibrationProfile& p, Int8CompileOptions& o, const cli::Args& a) {
  if (!a.has("calib")) throw cli::UsageError("--max-drop and --keep-float need --calib DIR (held-out images)");
  MixedPrecisionOptions m;
  m.threads = static_cast<int>(a.integer("threads", 0));
  if (a.has("max-drop")) m.max_drop_pct = a.real("max-drop", 0);
  if (a.has("keep-float")) m.keep_float = static_cast<int>(a.integer("keep-float", 0));
  if (a.has("max-drop") == a.has("keep-float")) throw cli::UsageError("give one of --max-drop and --keep-float");
  if ((a.has("max-drop") && !(m.max_drop_pct >= 0)) || (a.has("keep-float") && m.keep_float < 0))
    throw cli::UsageError("--max-drop and --keep-float must be >= 0");
  HeldOut h = load_held_out(a, fp32);
  if (h.batches.empty()) throw std::runtime_error(a.str("calib") + ": no held-out image could be decoded");
  MixedPrecisionResult r = choose_float_layers(fp32, p, o, h, m, [](const std::string& line) {
    std::cerr << "mixed precision: " << line << "\n";
  });
  o.keep_float.insert(r.keep_float.begin(), r.keep_float.end());
  const MixedTrial& chosen = r.trials.back();
  std::cout << "int8: " << r.keep_float.size() << " layers kept in FP32 (estimated drop "
            << cli::fmt(chosen.drop_pct, 2) << " +- " << cli::fmt(chosen.drop_stderr_pct, 2)
            << " points on " << h.rows() << " held-out images"
            << (r.labeled ? "" : ", unlabeled: top-1 flips") << ")";
  for (const auto& n : r.keep_float) std::cout << " " << n;
  std::cout << "\n";
  if (a.has("max-drop") && chosen.drop_stderr_pct > m.max_drop_pct)
    std::cerr << "warning: the drop estimate's standard error ("
              << cli::fmt(chosen.drop_stderr_pct, 2) << " points on " << h.rows()
              << " images) is larger than --max-drop " << cli::fmt(m.max_drop_pct, 2)
              << ": the choice is mostly noise; a larger --sensitivity-count narrows it\n";
  return mixed_precision_json(r);
}

// Whether --weight-rounding asks for GPTQ (checked before any image is read).
bool wants_gptq(const cli::Args& a) {
  const std::string rounding = a.str("weight-rounding", "nearest");
  if (rounding != "nearest" && rounding != "gptq")
    throw cli::UsageError("--weight-rounding must be nearest or gptq");
  if (rounding == "nearest") return false;
  if (!a.has("calib"))
    throw cli::UsageError(
        "--weight-rounding gptq needs --calib DIR (images for its input moments)");
  if (a.integer("gptq-count", 128) < 1) throw cli::UsageError("--gptq-count must be >= 1");
  return true;
}

// GPTQ over the input moments of every layer on --gptq-count calibration images.
std::unique_ptr<GptqRounding> gptq_rounding(const Graph& fp32, const cli::Args& a) {
  const int64_t count = a.integer("gptq-count", 128);
  const std::vector<std::string> images =
      spread_sample(find_images(a.str("calib")), static_cast<size_t>(count));
  cli::Progress progress("gptq moments", static_cast<int64_t>(images.size()), "img");
  LayerMoments m = collect_input_moments(
      fp32, images, 16, static_cast<int>(a.integer("threads", 0)), preprocess_options(a),
      kGptqPositions, [&](int64_t n) { progress.set(n); });
  progress.finish();
  if (m.empty())
    throw std::runtime_error(a.str("calib") +
                             ": no image for GPTQ's input moments could be decoded");
  return std::make_unique<GptqRounding>(std::move(m));
}

cli::Json compile_int8(Graph& g, const cli::Args& a, const std::string& in) {
  if (!a.has("calib") && !a.has("profile")) throw cli::UsageError("int8 needs --calib DIR or --profile FILE");
  Int8CompileOptions o = int8_options(a);
  const bool use_gptq = wants_gptq(a);
  CalibrationProfile p = a.has("profile") ? profile_from_json(cli::Json::load(a.str("profile")), a.str("profile"))
                                          : calibrate_folder(g, a, in);
  Graph fp32 = g.clone();
  const std::unique_ptr<GptqRounding> gptq = use_gptq ? gptq_rounding(fp32, a) : nullptr;
  o.gptq = gptq.get();
  cli::Json mixed = a.has("max-drop") || a.has("keep-float") ? choose_mixed(fp32, p, o, a) : cli::Json::null();
  Int8Report r = quantize_from_profile(g, p, o);
  cli::Json j = int8_report_json(r, p, o);
  if (!mixed.is_null()) j.set("mixed_precision", mixed);
  if (a.has("calib"))
    add_error_report(fp32, g, spread_sample(find_images(a.str("calib")), 8), a, j);
  std::cout << "int8: " << p.images << " calibration images, " << o.calib.str() << ", " << r.activations.size()
            << " activations, " << r.layers.size() << " layers quantized\n";
  return j;
}

}  // namespace

int run_compile(const cli::Args& a) {
  const std::string precision = a.str("precision"), out = a.str("o"), in = a.positional()[0];
  if (precision != "fp16" && precision != "int8") throw cli::UsageError("--precision must be fp16 or int8");
  if (out.empty()) throw cli::UsageError("-o OUT.onnx is required");
  Graph g = load_for_compile(in, import_options(a));
  cli::Json report = cli::Json::object();
  report.set("model", in).set("output", out).set("precision", precision);
  if (precision == "fp16") {
    Fp16Report r = compile_fp16(g);
    report.set("fp16", cli::Json::object().set("weights_converted", r.weights).set("overflow", r.overflow)
                           .set("underflow", r.underflow).set("casts", r.casts));
    std::cout << "fp16: " << r.weights << " weight tensors, " << r.overflow << " values overflowed, "
              << r.underflow << " underflowed to zero\n";
  } else {
    report.set("int8", compile_int8(g, a, in));
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
