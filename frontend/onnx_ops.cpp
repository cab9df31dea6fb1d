#include "frontend/onnx_ops.h"

#include <algorithm>
#include <functional>
#include <stdexcept>

#include "frontend/tensor_proto.h"
#include "ir/shape_inference.h"

namespace qcc {

namespace {

struct NodeError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

AttrValue attr_value(const onnx::AttributeProto& a) {
  switch (a.type()) {
    case onnx::AttributeProto::INT: return a.i();
    case onnx::AttributeProto::FLOAT: return a.f();
    case onnx::AttributeProto::STRING: return a.s();
    case onnx::AttributeProto::INTS: return std::vector<int64_t>(a.ints().begin(), a.ints().end());
    case onnx::AttributeProto::FLOATS:
      return std::vector<float>(a.floats().begin(), a.floats().end());
    default: throw NodeError("attribute '" + a.name() + "' has an unsupported type");
  }
}

// A constant input's integer contents (pads, axes, starts...); throws if not constant.
std::vector<int64_t> const_ints(const Node& n, size_t i, const char* what) {
  Value* v = n.in(i);
  if (!v) return {};
  if (!v->is_constant()) throw NodeError(std::string(what) + " must be a constant");
  return v->data->to_ints();
}

// Moves constant inputs [first, ...) into attributes and drops them from the node.
void inputs_to_attrs(Node& n, size_t first, std::initializer_list<const char*> names) {
  size_t i = first;
  for (const char* name : names) {
    if (n.in(i)) n.attrs.set(name, const_ints(n, i, name));
    ++i;
  }
  if (n.inputs.size() > first) n.inputs.resize(first);
}

void load_pad(Node& n, int opset) {
  if (n.attrs.s("mode", "constant") != "constant" && n.attrs.s("mode") != "reflect" &&
      n.attrs.s("mode") != "edge")
    throw NodeError("unsupported pad mode '" + n.attrs.s("mode") + "'");
  if (opset < 11) {
    if (n.attrs.has("paddings")) n.attrs.set("pads", n.attrs.ints("paddings"));
    n.attrs.erase("paddings");
    return;
  }
  auto pads = const_ints(n, 1, "pads");
  float value = 0.f;
  if (Value* cv = n.in(2)) {
    if (!cv->is_constant()) throw NodeError("constant_value must be a constant");
    value = static_cast<float>(cv->data->as_double(0));
  }
  if (n.in(3)) {  // opset 18: pads only for the listed axes
    auto axes = const_ints(n, 3, "axes");
    int64_t rank = n.in(0)->rank();
    std::vector<int64_t> full(2 * rank, 0);
    for (size_t k = 0; k < axes.size(); ++k) {
      int64_t ax = axes[k] < 0 ? axes[k] + rank : axes[k];
      full[ax] = pads[k];
      full[ax + rank] = pads[k + axes.size()];
    }
    pads = full;
  }
  n.attrs.set("pads", pads);
  n.attrs.set("value", value);
  n.inputs.resize(1);
}

void load_window(Node& n) {
  if (n.in(0)->rank() != 4)
    throw NodeError("only 2-D (rank-4 NCHW) inputs are supported, got rank " +
                    std::to_string(n.in(0)->rank()));
  if (n.attrs.i("storage_order", 0) != 0) throw NodeError("storage_order=1 is not supported");
  if (n.outputs.size() > 1 && n.outputs[1]) throw NodeError("the Indices output is not supported");
  n.outputs.resize(1);
  n.attrs.erase("storage_order");
}

void load_softmax(Node& n, int opset) {
  if (!n.attrs.has("axis")) n.attrs.set("axis", int64_t{opset < 13 ? 1 : -1});
  // Before opset 13 Softmax flattened the input to 2-D at `axis`.
  if (opset < 13) n.attrs.set("coerce_2d", int64_t{1});
}

void load_dropout(Node& n, int opset) {
  if (opset >= 12 && n.in(2)) {
    auto mode = const_ints(n, 2, "training_mode");
    if (!mode.empty() && mode[0]) throw NodeError("training_mode=true is not supported");
  }
  n.inputs.resize(1);
  n.attrs.erase("seed");
  n.attrs.erase("ratio");
  n.attrs.erase("is_test");
}

void load_batchnorm(Node& n) {
  for (size_t i = 1; i < n.outputs.size(); ++i)
    if (n.outputs[i]) throw NodeError("training-mode outputs are not supported");
  if (n.attrs.i("training_mode", 0)) throw NodeError("training_mode=1 is not supported");
  n.outputs.resize(1);
  n.attrs.erase("spatial");
  n.attrs.erase("momentum");
  n.attrs.erase("training_mode");
}

void load_cast(Node& n) {
  auto dt = dtype_from_onnx(static_cast<int>(n.attrs.i("to")));
  if (!dt) throw NodeError("cast to unsupported type " + std::to_string(n.attrs.i("to")));
  n.attrs.set("to", static_cast<int64_t>(*dt));
}

void load_gemm(Node& n) {
  if (n.in(0)->rank() != 2 || n.in(1)->rank() != 2) throw NodeError("Gemm inputs must be 2-D");
}

// Per-op normalization, applied after generic attribute copy.
using Loader = std::function<void(Node&, int opset)>;
const std::unordered_map<std::string, Loader>& loaders() {
  static const std::unordered_map<std::string, Loader> table = {
      {"Conv", [](Node& n, int) { load_window(n); }},
      {"MaxPool", [](Node& n, int) { load_window(n); }},
      {"AveragePool", [](Node& n, int) { load_window(n); }},
      {"Pad", load_pad},
      {"Softmax", load_softmax},
      {"Dropout", load_dropout},
      {"BatchNormalization", [](Node& n, int) { load_batchnorm(n); }},
      {"Cast", [](Node& n, int) { load_cast(n); }},
      {"Gemm", [](Node& n, int) { load_gemm(n); }},
      {"Unsqueeze",
       [](Node& n, int opset) {
         if (opset >= 13) inputs_to_attrs(n, 1, {"axes"});
       }},
      {"Squeeze",
       [](Node& n, int opset) {
         if (opset >= 13) inputs_to_attrs(n, 1, {"axes"});
       }},
      {"Slice",
       [](Node& n, int opset) {
         if (opset >= 10) inputs_to_attrs(n, 1, {"starts", "ends", "axes", "steps"});
       }},
  };
  return table;
}

Tensor constant_node_value(const onnx::NodeProto& np, const std::string& base_dir) {
  for (const auto& a : np.attribute()) {
    if (a.name() == "value") return tensor_from_proto(a.t(), base_dir);
    if (a.name() == "value_float") return Tensor::from_floats({}, {a.f()});
    if (a.name() == "value_floats")
      return Tensor::from_floats({a.floats_size()}, {a.floats().begin(), a.floats().end()});
    if (a.name() == "value_int") return Tensor::from_ints({}, {a.i()});
    if (a.name() == "value_ints")
      return Tensor::from_ints({a.ints_size()}, {a.ints().begin(), a.ints().end()});
  }
  throw NodeError("Constant without a supported value attribute");
}

std::vector<Value*> resolve_inputs(const onnx::NodeProto& np, const ImportContext& ctx) {
  std::vector<Value*> ins;
  for (const auto& name : np.input()) {
    if (name.empty()) {
      ins.push_back(nullptr);
      continue;
    }
    auto it = ctx.values.find(name);
    if (it == ctx.values.end()) throw NodeError("input '" + name + "' is not defined before use");
    ins.push_back(it->second);
  }
  return ins;
}

void import_checked(const onnx::NodeProto& np, const std::string& name, ImportContext& ctx) {
  if (!np.domain().empty() && np.domain() != "ai.onnx")
    throw NodeError("unsupported operator domain '" + np.domain() + "'");
  if (np.op_type() == "Constant") {
    ctx.values[np.output(0)] =
        ctx.graph.add_constant(np.output(0), constant_node_value(np, ctx.base_dir));
    return;
  }
  auto op = op_from_name(np.op_type());
  if (!op) throw NodeError("unsupported operator");
  std::vector<Value*> outs;
  for (const auto& o : np.output())
    outs.push_back(o.empty() ? nullptr : ctx.graph.add_value(o, DType::f32));
  Node* n = ctx.graph.add_node(*op, name, resolve_inputs(np, ctx), outs);
  for (const auto& a : np.attribute()) n->attrs.set(a.name(), attr_value(a));
  auto it = loaders().find(np.op_type());
  if (it != loaders().end()) it->second(*n, ctx.opset);
  infer_node(*n, /*set_dtypes=*/true);
  for (int i = 0; i < np.output_size(); ++i)
    if (!np.output(i).empty() && static_cast<size_t>(i) < n->outputs.size())
      ctx.values[np.output(i)] = n->outputs[i];
}

}  // namespace

void import_node(const onnx::NodeProto& np, int index, ImportContext& ctx) {
  std::string name = np.name().empty() ? np.op_type() + "_" + std::to_string(index) : np.name();
  try {
    import_checked(np, name, ctx);
  } catch (const std::exception& e) {
    throw std::runtime_error("node '" + name + "' (" + np.op_type() + ", opset " +
                             std::to_string(ctx.opset) + "): " + e.what());
  }
}

}  // namespace qcc
