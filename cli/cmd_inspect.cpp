// qcc inspect: what a model is made of, after import and after qcc's passes.
#include <iostream>
#include <map>

#include "frontend/onnx_import.h"
#include "ir/printer.h"
#include "ir/shape_inference.h"
#include "ir/stats.h"
#include "runtime/session.h"
#include "cli/commands.h"

namespace qcc {

const cli::CommandSpec& inspect_spec() {
  static const cli::CommandSpec s = {
      "inspect", "MODEL.onnx",
      "Show ops, shapes, dtypes, MACs and parameter bytes after import and after qcc's passes.",
      {{"graph", "", "print every node of the optimized graph", ""},
       {"json", "FILE", "also write the summary as JSON", "", {}, true},
       max_model_bytes_option()},
      1, 1};
  return s;
}

namespace {

struct OpSummary {
  int64_t imported = 0, optimized = 0, macs = 0;
};

// Static shapes at batch 1 so MACs are per image.
void set_batch_one(Graph& g) {
  for (Value* v : g.inputs)
    for (auto& d : v->shape)
      if (d < 0) d = 1;
  infer_shapes(g);
}

std::string dtypes_of(const Graph& g) {
  std::map<std::string, int> seen;
  for (const auto& n : g.nodes())
    for (const Value* o : n->outputs)
      if (o) seen[dtype_name(o->dtype)]++;
  std::string s;
  for (auto& [k, v] : seen) s += (s.empty() ? "" : ", ") + k + " x" + std::to_string(v);
  return s;
}

}  // namespace

int run_inspect(const cli::Args& a) {
  const std::string path = a.positional()[0];
  Graph imported = import_onnx_file(path, import_options(a));
  Graph optimized = imported.clone();
  prepare_graph(optimized);
  Graph per_image = optimized.clone();
  set_batch_one(per_image);

  std::map<std::string, OpSummary> ops;
  for (const auto& n : imported.nodes()) ops[op_name(n->op)].imported++;
  for (const auto& n : optimized.nodes()) ops[op_name(n->op)].optimized++;
  int64_t total_macs = 0;
  for (const auto& n : per_image.nodes()) {
    int64_t m = node_macs(*n);
    ops[op_name(n->op)].macs += m;
    total_macs += m;
  }

  std::cout << "model   " << path << " (opset " << imported.opset << ")\n";
  for (const Value* v : optimized.inputs) std::cout << "input   " << value_str(*v) << "\n";
  for (const Value* v : optimized.outputs) std::cout << "output  " << value_str(*v) << "\n";
  std::cout << "dtypes  " << dtypes_of(optimized) << "\n\n";
  cli::Table t({"op", "imported", "optimized", "GMAC/image"});
  cli::Json jops = cli::Json::array();
  for (auto& [name, s] : ops) {
    t.add({name, std::to_string(s.imported), std::to_string(s.optimized), s.macs ? cli::fmt(s.macs / 1e9, 3) : ""});
    jops.push(cli::Json::object().set("op", name).set("imported", s.imported).set("optimized", s.optimized).set("macs", s.macs));
  }
  t.add({"total", std::to_string(imported.nodes().size()), std::to_string(optimized.nodes().size()), cli::fmt(total_macs / 1e9, 3)});
  t.print(std::cout);
  int64_t params_in = parameter_bytes(imported), params_out = parameter_bytes(optimized);
  std::cout << "\nparameters: " << cli::fmt(params_in / 1e6, 2) << " MB imported, "
            << cli::fmt(params_out / 1e6, 2) << " MB after passes\n";
  if (a.has("graph")) {
    std::cout << "\n";
    print_graph(std::cout, optimized);
  }
  if (a.has("json")) {
    cli::Json j = cli::Json::object();
    j.set("model", path).set("opset", imported.opset).set("macs_per_image", total_macs);
    j.set("parameter_bytes", params_in).set("parameter_bytes_optimized", params_out);
    j.set("nodes_imported", static_cast<int64_t>(imported.nodes().size()));
    j.set("nodes_optimized", static_cast<int64_t>(optimized.nodes().size()));
    j.set("ops", jops);
    j.save(a.str("json"));
  }
  return 0;
}

}  // namespace qcc
