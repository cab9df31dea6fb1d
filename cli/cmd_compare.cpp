// qcc compare: run a model on ONNX test-data folders and report errors against the references.
#include <algorithm>
#include <iostream>

#include "compiler/compare_layers.h"
#include "runtime/image_folder.h"

#include "frontend/onnx_import.h"
#include "cli/commands.h"
#include "cli/compare.h"

namespace qcc {

const cli::CommandSpec& compare_spec() {
  static const cli::CommandSpec s = {
      "compare", "MODEL.onnx DATA_DIR...  |  FP32.onnx QUANT.onnx --data DIR [--per-layer]",
      "Run the model on ONNX test data (input_K.pb / output_K.pb) and report max abs error, max\n"
      "error relative to max |ref|, SQNR and top-1 agreement per output. Exit 1 when outside\n"
      "tolerance. By default every element must satisfy |out - ref| <= atol + rtol |ref|; with\n"
      "--max-rel or --min-top1 those model-level criteria replace the elementwise one unless\n"
      "--atol/--rtol are also given.\n"
      "With --data, compare a quantized model with its float original on real images instead:\n"
      "top-1 agreement and output SQNR, and with --per-layer, for every quantized activation in\n"
      "graph order, its SQNR, cosine similarity and % clipped against the float value that its\n"
      "QuantizeLinear reads (matched by name: works on INT8 files qcc did not write).",
      {{"atol", "A", "absolute tolerance (elementwise)", "1e-4"},
       {"rtol", "R", "relative tolerance (elementwise)", "1e-3"},
       {"max-rel", "X", "require max_abs_err / max|ref| <= X", ""},
       {"min-top1", "F", "require top-1 agreement >= F (0..1) on 2-D outputs", ""},
       {"json", "FILE", "write the report as JSON", "", {}, true},
       {"data", "DIR", "models mode: images (searched recursively) to run both models on", ""},
       {"limit", "N", "models mode: images used, spread evenly over the folder", "256", {{1, 1 << 30}}},
       {"batch", "N", "models mode: images per batch", "8", {{1, 256}}},
       {"per-layer", "", "models mode: report every quantized activation", ""},
       threads_option(),
       max_model_bytes_option(),
       max_image_pixels_option()},
      2};
  return s;
}

namespace {

cli::Json layer_json(const LayerError& e) {
  return cli::Json::object().set("name", e.name).set("producer", e.producer).set("elements", e.elements)
      .set("sqnr_db", e.sqnr_db).set("cosine", e.cosine).set("clipped_pct", e.clipped_pct);
}

// FP32.onnx QUANT.onnx --data DIR: the two models on the same images, value by value.
int compare_models_on_images(const cli::Args& a) {
  const auto& pos = a.positional();
  if (pos.size() != 2) throw cli::UsageError("--data compares two models: FP32.onnx QUANT.onnx");
  const ImportOptions io = import_options(a);
  Graph fp32 = import_onnx_file(pos[0], io), quant = import_onnx_file(pos[1], io);
  std::vector<std::string> images =
      spread_sample(find_images(a.str("data")), static_cast<size_t>(a.integer("limit", 256))), skipped;
  cli::Progress progress("compare", static_cast<int64_t>(images.size()), "img");
  ModelComparison c = compare_models(
      fp32, quant,
      image_batches(images, static_cast<int>(a.integer("batch", 8)), preprocess_options(a), &skipped,
                    [&](int64_t done) { progress.set(done); }),
      thread_count(a));
  progress.finish();
  for (const auto& s : skipped) std::cerr << "skipped " << s << "\n";
  if (c.images == 0) throw std::runtime_error(a.str("data") + ": no image could be decoded");
  const double agreement = c.top1_rows ? static_cast<double>(c.top1_agree) / c.top1_rows : -1;
  cli::Json layers = cli::Json::array();
  for (const LayerError& e : c.layers) layers.push(layer_json(e));
  if (a.has("per-layer")) {
    cli::Table t({"value (float name)", "produced by", "sqnr_db", "cosine", "clipped %"});
    for (const LayerError& e : c.layers)
      t.add({e.name, e.producer, cli::fmt(e.sqnr_db, 1), cli::fmt(e.cosine, 5), cli::fmt(e.clipped_pct, 3)});
    t.print(std::cout);
    std::vector<const LayerError*> worst;
    for (const LayerError& e : c.layers) worst.push_back(&e);
    std::sort(worst.begin(), worst.end(), [](auto* x, auto* y) { return x->sqnr_db < y->sqnr_db; });
    std::cout << "lowest SQNR:";
    for (size_t i = 0; i < std::min<size_t>(5, worst.size()); ++i)
      std::cout << " " << worst[i]->name << " (" << cli::fmt(worst[i]->sqnr_db, 1) << " dB)";
    std::cout << "\n";
  }
  std::cout << c.images << " images: top-1 agreement "
            << (agreement < 0 ? std::string("-") : cli::fmt(100 * agreement, 2) + "%") << ", output SQNR "
            << cli::fmt(c.output_sqnr_db, 1) << " dB, " << c.layers.size() << " quantized values compared"
            << (c.unmatched ? ", " + std::to_string(c.unmatched) + " without a float value of that name" : "") << "\n";
  if (a.has("json")) {
    cli::Json j = cli::Json::object();
    j.set("fp32", pos[0]).set("quantized", pos[1]).set("images", c.images);
    j.set("top1_agreement", agreement < 0 ? cli::Json::null() : cli::Json(agreement));
    j.set("output_sqnr_db", c.output_sqnr_db).set("unmatched", c.unmatched).set("layers", layers);
    j.save(a.str("json"));
  }
  return 0;
}

}  // namespace

int run_compare(const cli::Args& a) {
  if (a.has("data")) return compare_models_on_images(a);
  for (const char* o : {"limit", "batch", "per-layer"})
    if (a.has(o)) throw cli::UsageError(std::string("--") + o + " needs --data");
  const auto& pos = a.positional();
  const double atol = a.real("atol", 1e-4), rtol = a.real("rtol", 1e-3);
  const double max_rel = a.real("max-rel", -1), min_top1 = a.real("min-top1", -1);
  const bool model_level = a.has("max-rel") || a.has("min-top1");
  const bool elementwise = !model_level || a.has("atol") || a.has("rtol");
  const ImportOptions io = import_options(a);
  Session session(import_onnx_file(pos[0], io), thread_count(a), true, io.max_bytes);
  std::vector<TestDataSet> sets;
  for (size_t i = 1; i < pos.size(); ++i)
    for (auto& s : load_test_data(pos[i])) sets.push_back(std::move(s));
  std::vector<OutputStats> stats = compare_on(session, sets, atol, rtol);

  bool pass = true;
  cli::Table t({"output", "max_abs_err", "max_rel_err", "sqnr_db", "top1_agree", "outside_tol", "status"});
  cli::Json outs = cli::Json::array();
  for (const auto& s : stats) {
    bool ok = s.mismatch.empty() && (!elementwise || s.outside_tol == 0) &&
              (max_rel < 0 || s.max_rel_err <= max_rel) &&
              (min_top1 < 0 || s.top1_agreement < 0 || s.top1_agreement >= min_top1);
    pass &= ok;
    t.add({s.name, cli::fmt(s.max_abs_err, 7), cli::fmt(s.max_rel_err, 7), cli::fmt(s.sqnr_db, 1),
           s.top1_agreement < 0 ? "-" : cli::fmt(100 * s.top1_agreement, 2) + "%",
           std::to_string(s.outside_tol) + "/" + std::to_string(s.elements), ok ? "ok" : "FAIL"});
    cli::Json o = cli::Json::object();
    o.set("name", s.name).set("max_abs_err", s.max_abs_err).set("max_rel_err", s.max_rel_err);
    o.set("sqnr_db", s.sqnr_db);
    o.set("top1_agreement", s.top1_agreement < 0 ? cli::Json::null() : cli::Json(s.top1_agreement));
    o.set("elements", s.elements).set("outside_tol", s.outside_tol);
    if (!s.mismatch.empty()) o.set("mismatch", s.mismatch);
    outs.push(o);
    if (!s.mismatch.empty()) std::cerr << s.name << ": " << s.mismatch << "\n";
  }
  std::cout << sets.size() << " data set(s)";
  if (elementwise) std::cout << ", atol " << atol << ", rtol " << rtol;
  if (max_rel >= 0) std::cout << ", max-rel " << max_rel;
  if (min_top1 >= 0) std::cout << ", min-top1 " << min_top1;
  std::cout << "\n";
  t.print(std::cout);
  std::cout << (pass ? "PASS" : "FAIL") << "\n";
  if (a.has("json")) {
    cli::Json j = cli::Json::object();
    j.set("pass", pass).set("outputs", outs).set("data_sets", static_cast<int64_t>(sets.size()));
    j.save(a.str("json"));
  }
  return pass ? 0 : 1;
}

}  // namespace qcc
