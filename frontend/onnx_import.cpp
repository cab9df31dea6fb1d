#include "frontend/onnx_import.h"

#include <fstream>
#include <stdexcept>
#include <unordered_map>

#include "frontend/file_io.h"
#include "frontend/onnx_ops.h"
#include "ir/printable.h"
#include "ir/shape_inference.h"
#include "ir/verifier.h"

namespace qcc {

namespace {

int ai_onnx_opset(const onnx::ModelProto& m) {
  for (const auto& o : m.opset_import()) {
    if (!o.domain().empty() && o.domain() != "ai.onnx") continue;
    if (o.version() > kMaxOpset)
      throw std::runtime_error("opset " + std::to_string(o.version()) + " is newer than the supported " +
                               std::to_string(kMaxOpset));
    if (o.version() < 1) throw std::runtime_error("opset " + std::to_string(o.version()) + " is not valid");
    return static_cast<int>(o.version());
  }
  throw std::runtime_error("model imports no ai.onnx opset");
}

Shape shape_from_type(const onnx::TypeProto& t, const std::string& what) {
  const auto& dims = t.tensor_type().shape().dim();
  if (static_cast<size_t>(dims.size()) > kMaxRank)
    throw std::runtime_error(what + " has rank " + std::to_string(dims.size()) + ", more than " +
                             std::to_string(kMaxRank));
  Shape s;
  for (const auto& d : dims) {
    if (d.has_dim_value() && (d.dim_value() < 0 || d.dim_value() > kMaxDim))
      throw std::runtime_error(what + " has dimension " + std::to_string(d.dim_value()) + " out of range");
    s.push_back(d.has_dim_value() ? d.dim_value() : kDynamicDim);
  }
  return s;
}

void import_inputs(const onnx::GraphProto& gp, ImportContext& ctx) {
  for (const auto& in : gp.input()) {
    if (ctx.values.count(in.name())) continue;  // an initializer listed as input (IR v3)
    const std::string what = "graph input '" + printable(in.name()) + "'";
    if (!in.type().has_tensor_type()) throw std::runtime_error(what + " is not a tensor");
    auto dt = dtype_from_onnx(in.type().tensor_type().elem_type());
    if (!dt) throw std::runtime_error(what + " has an unsupported type");
    Value* v = ctx.graph.add_value(in.name(), *dt, shape_from_type(in.type(), what));
    ctx.graph.inputs.push_back(v);
    ctx.values[in.name()] = v;
  }
}

void import_initializers(const onnx::GraphProto& gp, ImportContext& ctx) {
  for (const auto& init : gp.initializer()) {
    try {
      ctx.values[init.name()] = ctx.graph.add_constant(init.name(), ctx.read_tensor(init));
    } catch (const std::exception& e) {
      throw std::runtime_error("initializer '" + printable(init.name()) + "': " + e.what());
    }
  }
}

void import_outputs(const onnx::GraphProto& gp, ImportContext& ctx) {
  if (gp.output_size() == 0) throw std::runtime_error("the graph has no outputs");
  for (const auto& out : gp.output()) {
    auto it = ctx.values.find(out.name());
    if (it == ctx.values.end())
      throw std::runtime_error("graph output '" + printable(out.name()) + "' is never produced");
    ctx.graph.outputs.push_back(it->second);
  }
}

}  // namespace

Graph import_onnx_model(const onnx::ModelProto& model, const std::string& base_dir, const ImportOptions& options) {
  int opset = ai_onnx_opset(model);
  if (!model.has_graph() || model.graph().node_size() == 0)
    throw std::runtime_error("not a valid ONNX model (no graph)");
  ImportContext ctx{Graph{}, {}, base_dir, opset, options.max_bytes};
  const onnx::GraphProto& gp = model.graph();
  ctx.graph.name = gp.name();
  ctx.graph.opset = opset;
  import_initializers(gp, ctx);
  import_inputs(gp, ctx);
  for (int i = 0; i < gp.node_size(); ++i) import_node(gp.node(i), i, ctx);
  import_outputs(gp, ctx);
  std::string err = verify(ctx.graph);
  if (!err.empty()) throw std::runtime_error(err);
  return std::move(ctx.graph);
}

Graph import_onnx_file(const std::string& path, const ImportOptions& options) {
  const std::string shown = printable(path);
  regular_file_size(path, kMaxProtobufBytes);
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error(shown + ": cannot open file");
  onnx::ModelProto model;
  if (!model.ParseFromIstream(&f))
    throw std::runtime_error(shown + ": not a valid ONNX model (protobuf parse failed; truncated?)");
  std::string dir = path.find('/') == std::string::npos ? "." : path.substr(0, path.rfind('/'));
  try {
    return import_onnx_model(model, dir.empty() ? "/" : dir, options);
  } catch (const std::exception& e) {
    throw std::runtime_error(shown + ": " + e.what());
  }
}

}  // namespace qcc
