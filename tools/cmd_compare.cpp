// qcc compare: run a model on ONNX test-data folders and report errors against the references.
#include <iostream>

#include "frontend/onnx_import.h"
#include "tools/commands.h"
#include "tools/compare.h"

namespace qcc {

const cli::CommandSpec& compare_spec() {
  static const cli::CommandSpec s = {
      "compare", "MODEL.onnx DATA_DIR...",
      "Run the model on ONNX test data (input_K.pb / output_K.pb) and report max abs error, max\n"
      "error relative to max |ref|, SQNR and top-1 agreement per output. Exit 1 when outside\n"
      "tolerance. By default every element must satisfy |out - ref| <= atol + rtol |ref|; with\n"
      "--max-rel or --min-top1 those model-level criteria replace the elementwise one unless\n"
      "--atol/--rtol are also given.",
      {{"atol", "A", "absolute tolerance (elementwise)", "1e-4"},
       {"rtol", "R", "relative tolerance (elementwise)", "1e-3"},
       {"max-rel", "X", "require max_abs_err / max|ref| <= X", ""},
       {"min-top1", "F", "require top-1 agreement >= F (0..1) on 2-D outputs", ""},
       {"json", "FILE", "write the report as JSON", "", {}, true},
       threads_option(),
       max_model_bytes_option()},
      2};
  return s;
}

int run_compare(const cli::Args& a) {
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
