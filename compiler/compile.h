// The compiler as a library: what `qcc calibrate` and `qcc compile` do, callable from other
// programs and tests. The CLI only parses flags, calls these and prints.
//
//   Graph g = load_for_compile("model.onnx");            // import + graph optimizations
//   CalibrationProfile p = calibrate(g, images, 16, 0, {}, progress);  // compiler/calibrate.h
//   Int8Report r = quantize_from_profile(g, p, options);  // g becomes a QDQ int8 graph
//   save_onnx_file(g, "model_int8.onnx");                 // frontend/onnx_export.h
#pragma once

#include <set>
#include <string>

#include "compiler/calibrate.h"
#include "compiler/input_moments.h"
#include "compiler/thresholds.h"
#include "frontend/onnx_import.h"
#include "ir/graph.h"
#include "passes/convert_fp16.h"
#include "passes/quantize_int8.h"

namespace qcc {

/// Imports an ONNX file and runs the optimization pipeline every precision starts from. A
/// quantized (QDQ) model is dequantized first: compiling it means compiling its float model.
Graph load_for_compile(const std::string& path, const ImportOptions& options = {});

/// FP16 storage and compute (f32 at the model's inputs and outputs); rewrites `g` in place.
Fp16Report compile_fp16(Graph& g);

struct Int8CompileOptions {
  CalibSpec calib{CalibMethod::mse};  ///< how calibration statistics become activation ranges
  bool per_channel = true;          ///< one weight scale per output channel
  int weight_bits = 8;              ///< 8, or 7 (-63..63: AVX2 kernels without int16 widening)
  Int8Options::Activations activations = Int8Options::Activations::automatic;
  bool bias_correction = true;      ///< shift biases by the quantized weights' mean error
  bool float_classifier = false;    ///< keep every Gemm in float
  std::set<std::string> keep_float;  ///< more Conv/Gemm nodes (by name) kept in float
  /// Round weights with GPTQ (compiler/input_moments.h); null: to nearest.
  const GptqRounding* gptq = nullptr;
};

/// Rewrites `g` (from load_for_compile) to INT8 in QDQ form with the activation ranges `profile`
/// gives under `options`. Throws if the profile was made for another model or nothing could be
/// quantized.
Int8Report quantize_from_profile(Graph& g, const CalibrationProfile& profile, const Int8CompileOptions& options);

}  // namespace qcc
