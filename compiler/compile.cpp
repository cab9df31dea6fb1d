#include "compiler/compile.h"

#include <stdexcept>

#include "frontend/onnx_import.h"
#include "ir/stats.h"
#include "runtime/session.h"

namespace qcc {

Graph load_for_compile(const std::string& path, const ImportOptions& options) {
  Graph g = import_onnx_file(path, options);
  PassContext ctx = runtime_pass_context();
  run_dequantize(g, ctx);  // a quantized model is compiled from the float model it encodes
  run_pipeline(g, optimize_pipeline(), ctx);
  return g;
}

Fp16Report compile_fp16(Graph& g) {
  Fp16Report r;
  run_convert_fp16(g, &r);
  return r;
}

Int8Report quantize_from_profile(Graph& g, const CalibrationProfile& profile, const Int8CompileOptions& options) {
  if (profile.fingerprint != graph_fingerprint(g))
    throw std::runtime_error("the calibration profile was made for another model (or another version of it)" +
                             (profile.model.empty() ? std::string() : ": " + profile.model));
  for (const auto& [name, s] : profile.values)  // an int8 scale cannot represent an infinite range
    if (s.hist.nonfinite)
      throw std::runtime_error((profile.model.empty() ? std::string() : profile.model + ": ") + "activation '" +
                               name + "' is not finite on the calibration images (" +
                               std::to_string(s.hist.nonfinite) + " values)");
  if (options.weight_bits != 7 && options.weight_bits != 8)
    throw std::runtime_error("weight bits must be 7 or 8, not " +
                             std::to_string(options.weight_bits));
  Int8Options opt;
  opt.per_channel = options.per_channel;
  opt.weight_levels = (1 << (options.weight_bits - 1)) - 1;
  opt.activations = options.activations;
  opt.keep_float = options.keep_float;
  if (options.float_classifier)
    for (const auto& n : g.nodes())
      if (n->op == Op::Gemm) opt.keep_float.insert(n->name);
  opt.calibrated = [&](const std::string& name) { return profile.values.count(name) != 0; };
  opt.range = [&](const std::string& name, int levels) -> std::optional<ActivationRange> {
    auto it = profile.values.find(name);
    if (it == profile.values.end()) return std::nullopt;
    const float t = clip_threshold(it->second, options.calib, levels);
    return ActivationRange{it->second.min < 0 ? -t : 0.f, t};
  };
  if (options.bias_correction)
    opt.channel_means = [&](const std::string& name) {
      auto it = profile.values.find(name);
      return it == profile.values.end() ? std::vector<double>{} : it->second.channel_means();
    };
  if (options.gptq)
    opt.round_weights = [&](const std::string& node, const std::vector<float>& w,
                            const WeightLayout& l, WeightQuant& wq) {
      return options.gptq->round(node, w, l, opt.weight_levels, wq);
    };
  Int8Report report;
  if (!run_quantize_int8(g, opt, &report)) throw std::runtime_error("nothing to quantize (no Conv/Gemm with calibrated inputs)");
  return report;
}

}  // namespace qcc
