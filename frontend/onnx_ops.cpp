#include "frontend/onnx_ops.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <stdexcept>

#include "frontend/onnx_qoperator.h"
#include "frontend/tensor_proto.h"
#include "ir/printable.h"
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
    default: throw NodeError("attribute '" + printable(a.name()) + "' has an unsupported type");
  }
}

// The op table's input/output counts, narrowed where older opsets took parameters as attributes.
OpArity arity(Op op, int opset) {
  OpArity a = op_arity(op);
  switch (op) {
    case Op::Pad: return opset < 11 ? OpArity{1, 1, 1} : a;
    case Op::Unsqueeze: return opset < 13 ? OpArity{1, 1, 1} : OpArity{2, 2, 1};
    case Op::Squeeze: return opset < 13 ? OpArity{1, 1, 1} : a;
    case Op::Dropout: return opset < 12 ? OpArity{1, 1, 2} : a;
    case Op::Slice: return opset < 10 ? OpArity{1, 1, 1} : OpArity{3, 5, 1};
    default: return a;
  }
}

void check_arity(const onnx::NodeProto& np, Op op, int opset) {
  const OpArity a = arity(op, opset);
  if (np.input_size() > a.max_inputs)
    throw NodeError("takes at most " + std::to_string(a.max_inputs) + " inputs, got " + std::to_string(np.input_size()));
  for (int i = 0; i < a.required; ++i)
    if (i >= np.input_size() || np.input(i).empty())
      throw NodeError("input " + std::to_string(i) + " is required (takes " + std::to_string(a.required) + ")");
  if (np.output_size() == 0 || np.output(0).empty()) throw NodeError("has no output");
  if (np.output_size() > a.max_outputs)
    throw NodeError("has " + std::to_string(np.output_size()) + " outputs, at most " + std::to_string(a.max_outputs));
}

// Weights, biases and normalization statistics must be numbers: a NaN or Inf there makes every
// result NaN and every int8 scale meaningless. Quantization scales must also be positive.
void check_params(const Node& n) {
  const bool quant = n.op == Op::QuantizeLinear || n.op == Op::DequantizeLinear;
  if (!quant && n.op != Op::Conv && n.op != Op::Gemm && n.op != Op::MatMul && n.op != Op::BatchNormalization) return;
  for (size_t i = 1; i < n.inputs.size(); ++i) {
    const Value* v = n.inputs[i];
    if (!v || !v->is_constant() || !is_float(v->dtype)) continue;
    for (int64_t k = 0; k < v->data->numel(); ++k) {
      const double x = v->data->as_double(k);
      if (!std::isfinite(x))
        throw NodeError("parameter '" + printable(v->name) + "' holds NaN or Inf (element " + std::to_string(k) + ")");
      if (quant && i == 1 && !(x > 0))
        throw NodeError("scale '" + printable(v->name) + "' holds " + std::to_string(x) + " (must be > 0)");
    }
  }
}

// A constant input's integer contents (pads, axes, starts...); throws if not constant.
std::vector<int64_t> const_ints(const Node& n, size_t i, const char* what) {
  Value* v = n.in(i);
  if (!v) return {};
  if (!v->is_constant()) throw NodeError(std::string(what) + " must be a constant");
  if (v->rank() > 1 || v->data->numel() > static_cast<int64_t>(2 * kMaxRank))
    throw NodeError(std::string(what) + " must be a short 1-D list, got shape " + shape_str(v->shape));
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

// Opset 18 Pad lists pads only for `axes`: [begin of each axis..., end of each axis...].
std::vector<int64_t> pads_for_axes(const std::vector<int64_t>& pads, const std::vector<int64_t>& axes, int64_t rank) {
  if (pads.size() != 2 * axes.size())
    throw NodeError("pads has " + std::to_string(pads.size()) + " entries for " + std::to_string(axes.size()) +
                    " axes (needs 2 per axis)");
  std::vector<int64_t> full(2 * rank, 0);
  std::vector<bool> seen(rank, false);
  for (size_t k = 0; k < axes.size(); ++k) {
    if (axes[k] < -rank || axes[k] >= rank)
      throw NodeError("axis " + std::to_string(axes[k]) + " out of range for rank " + std::to_string(rank));
    const int64_t ax = axes[k] < 0 ? axes[k] + rank : axes[k];
    if (seen[ax]) throw NodeError("axis " + std::to_string(axes[k]) + " is listed twice");
    seen[ax] = true;
    full[ax] = pads[k];
    full[ax + rank] = pads[k + axes.size()];
  }
  return full;
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
    if (cv->data->numel() != 1) throw NodeError("constant_value must hold one value");
    value = static_cast<float>(cv->data->as_double(0));
  }
  if (n.in(3)) pads = pads_for_axes(pads, const_ints(n, 3, "axes"), n.in(0)->rank());
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
  if (opset < 13) n.coerce_2d = true;
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
      {"Conv",
       [](Node& n, int) {
         load_window(n);
         // The runtime has no grouped (depthwise) kernel: refusing here keeps compile from
         // writing a model that qcc then cannot run.
         if (n.attrs.i("group", 1) != 1)
           throw NodeError("grouped convolution (group=" + std::to_string(n.attrs.i("group", 1)) + ") is not supported");
       }},
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

Tensor constant_node_value(const onnx::NodeProto& np, ImportContext& ctx) {
  for (const auto& a : np.attribute()) {
    if (a.name() == "value") return ctx.read_tensor(a.t());
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
    if (it == ctx.values.end()) throw NodeError("input '" + printable(name) + "' is not defined before use");
    ins.push_back(it->second);
  }
  return ins;
}

void import_checked(const onnx::NodeProto& np, const std::string& name, ImportContext& ctx) {
  auto import_piece = [&](const onnx::NodeProto& piece, const std::string& piece_name) {
    import_checked(piece, piece_name, ctx);
  };
  if (import_qoperator(np, name, ctx, import_piece)) return;
  if (!np.domain().empty() && np.domain() != "ai.onnx")
    throw NodeError("unsupported operator domain '" + printable(np.domain()) + "'");
  if (np.op_type() == "Constant") {
    if (np.input_size() != 0 || np.output_size() != 1 || np.output(0).empty())
      throw NodeError("takes no inputs and has one output");
    ctx.values[np.output(0)] = ctx.graph.add_constant(np.output(0), constant_node_value(np, ctx));
    return;
  }
  auto op = op_from_name(np.op_type());
  if (!op) throw NodeError("unsupported operator");
  check_arity(np, *op, ctx.opset);
  std::vector<Value*> outs;
  for (const auto& o : np.output())
    outs.push_back(o.empty() ? nullptr : ctx.graph.add_value(o, DType::f32));
  Node* n = ctx.graph.add_node(*op, name, resolve_inputs(np, ctx), outs);
  for (const auto& a : np.attribute()) n->attrs.set(a.name(), attr_value(a));
  auto it = loaders().find(np.op_type());
  if (it != loaders().end()) it->second(*n, ctx.opset);
  check_params(*n);
  infer_node(*n, /*set_dtypes=*/true);
  for (int i = 0; i < np.output_size(); ++i)
    if (!np.output(i).empty() && static_cast<size_t>(i) < n->outputs.size())
      ctx.values[np.output(i)] = n->outputs[i];
}

}  // namespace

Tensor ImportContext::read_tensor(const onnx::TensorProto& p) {
  Tensor t = tensor_from_proto(p, base_dir, bytes_left);
  bytes_left -= t.nbytes();
  return t;
}

void import_node(const onnx::NodeProto& np, int index, ImportContext& ctx) {
  std::string name = np.name().empty() ? np.op_type() + "_" + std::to_string(index) : np.name();
  try {
    import_checked(np, name, ctx);
  } catch (const std::exception& e) {
    throw std::runtime_error("node '" + printable(name) + "' (" + printable(np.op_type()) + ", opset " +
                             std::to_string(ctx.opset) + "): " + e.what());
  }
}

}  // namespace qcc
