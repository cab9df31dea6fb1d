// ONNX Runtime's QOperator form, translated into the QDQ form qcc's IR uses for quantized
// models: each QLinear* node becomes DequantizeLinear on its int8 inputs, the float op, and
// QuantizeLinear on its output -- exactly what the QLinear op is defined to compute -- and
// lower_qdq then maps that back onto the integer kernels. The pieces go through the ordinary
// per-op import (validation, shape inference), so a QOperator model is checked like any other.
//
//   QLinearConv(x, xs, xz, w, ws, wz, ys, yz[, B])   Conv; B int32 in units of xs * ws
//   QLinearMatMul(a, as, az, b, bs, bz, ys, yz)      MatMul
//   QLinearAdd(a, as, az, b, bs, bz, ys, yz)         Add               (com.microsoft)
//   QLinearAveragePool(x, xs, xz, ys, yz)            AveragePool       (com.microsoft)
//   QLinearGlobalAveragePool(x, xs, xz, ys, yz)      GlobalAveragePool (com.microsoft)
//   QLinearConcat(ys, yz, x0, x0s, x0z, ...)         Concat            (com.microsoft)
//   ConvInteger / MatMulInteger(a, b[, az, bz])      the float op on (a - az), (b - bz), cast to
//                                                    int32 (exact while |sums| < 2^24)
#include "frontend/onnx_qoperator.h"

#include <functional>
#include <stdexcept>

#include "ir/printable.h"

namespace qcc {

namespace {

struct Builder {
  const onnx::NodeProto& np;
  const std::string& name;
  ImportContext& ctx;
  const std::function<void(const onnx::NodeProto&, const std::string&)>& import;
  int count = 0;

  std::string fresh(const std::string& what) {
    return np.output(0) + "_" + what + "_" + std::to_string(count++);
  }

  // Emits one standard node; returns its output name.
  std::string node(const std::string& op, std::vector<std::string> inputs, const std::string& out,
                   const std::vector<onnx::AttributeProto>& attrs = {}) {
    onnx::NodeProto n;
    n.set_op_type(op);
    for (auto& i : inputs) n.add_input(i);
    n.add_output(out);
    for (const auto& a : attrs) *n.add_attribute() = a;
    import(n, name + "/" + op + "_" + std::to_string(count++));
    return out;
  }

  std::string input(int i) const {
    if (i >= np.input_size() || np.input(i).empty())
      throw std::runtime_error("input " + std::to_string(i) + " is required");
    return np.input(i);
  }
  std::string optional_input(int i) const { return i < np.input_size() ? np.input(i) : ""; }

  std::string dequantize(int x, int scale, int zero, int64_t axis = -1) {
    std::vector<onnx::AttributeProto> attrs;
    if (axis >= 0) attrs.push_back(int_attr("axis", axis));
    return node("DequantizeLinear", {input(x), input(scale), optional_input(zero)}, fresh("dq"),
                attrs);
  }
  void quantize(const std::string& y, int scale, int zero) {
    node("QuantizeLinear", {y, input(scale), optional_input(zero)}, np.output(0));
  }
  // The node's own attributes minus the given ones (QLinear ops add a few of their own).
  std::vector<onnx::AttributeProto> attributes(std::initializer_list<const char*> drop = {}) const {
    std::vector<onnx::AttributeProto> out;
    for (const auto& a : np.attribute()) {
      bool skip = false;
      for (const char* d : drop) skip |= a.name() == d;
      if (!skip) out.push_back(a);
    }
    return out;
  }
  static onnx::AttributeProto int_attr(const std::string& k, int64_t v) {
    onnx::AttributeProto a;
    a.set_name(k);
    a.set_type(onnx::AttributeProto::INT);
    a.set_i(v);
    return a;
  }
  // A constant value named `out` holding t.
  std::string constant(const std::string& out, Tensor t) {
    ctx.values[out] = ctx.graph.add_constant(out, std::move(t));
    return out;
  }
  const Value& value(int i) const {
    auto it = ctx.values.find(input(i));
    if (it == ctx.values.end())
      throw std::runtime_error("input '" + printable(input(i)) + "' is not defined before use");
    return *it->second;
  }
};

// Per-channel weight scales go along axis 0 of the weight.
int64_t weight_axis(const Builder& b, int scale) {
  return b.value(scale).data && b.value(scale).data->numel() > 1 ? 0 : -1;
}

void qlinear_conv(Builder& b) {
  const std::string x = b.dequantize(0, 1, 2), w = b.dequantize(3, 4, 5, weight_axis(b, 4));
  std::vector<std::string> ins = {x, w};
  if (!b.optional_input(8).empty()) {  // bias: int32 in units of x_scale * w_scale
    const Value &xs = b.value(1), &ws = b.value(4);
    if (!xs.is_constant() || !ws.is_constant())
      throw std::runtime_error("QLinearConv with a bias needs constant scales");
    std::vector<float> s = ws.data->to_floats();
    for (float& v : s) v *= xs.data->to_floats().at(0);
    const std::string scale =
        b.constant(b.fresh("bias_scale"), Tensor::from_floats({static_cast<int64_t>(s.size())}, s));
    std::vector<onnx::AttributeProto> axis;
    if (s.size() > 1) axis.push_back(Builder::int_attr("axis", 0));
    ins.push_back(b.node("DequantizeLinear", {b.input(8), scale}, b.fresh("bias"), axis));
  }
  b.quantize(b.node("Conv", ins, b.fresh("conv"), b.attributes()), 6, 7);
}

void qlinear_binary(Builder& b, const char* op) {
  const std::string x = b.dequantize(0, 1, 2), y = b.dequantize(3, 4, 5);
  b.quantize(b.node(op, {x, y}, b.fresh("out")), 6, 7);
}

void qlinear_pool(Builder& b, const char* op) {
  const std::string x = b.dequantize(0, 1, 2);
  if (b.np.op_type() == "QLinearGlobalAveragePool")
    for (const auto& a : b.np.attribute())
      if (a.name() == "channels_last" && a.i())
        throw std::runtime_error("channels_last=1 is not supported");
  b.quantize(b.node(op, {x}, b.fresh("pool"), b.attributes({"channels_last"})), 3, 4);
}

void qlinear_concat(Builder& b) {
  if ((b.np.input_size() - 2) % 3 != 0 || b.np.input_size() < 5)
    throw std::runtime_error(
        "QLinearConcat takes (Y_scale, Y_zero_point, then X, X_scale, X_zero_point per input)");
  std::vector<std::string> parts;
  for (int i = 2; i < b.np.input_size(); i += 3) parts.push_back(b.dequantize(i, i + 1, i + 2));
  b.quantize(b.node("Concat", parts, b.fresh("concat"), b.attributes()), 0, 1);
}

// ConvInteger / MatMulInteger: (a - az) and (b - bz) as floats, the float op, then int32. A zero
// point may be per row of a (MatMul), per column of b (MatMul) or per output channel of the
// weight (Conv); its scale is ones of the same shape along that axis.
void integer_op(Builder& b, const char* op) {
  const bool matmul = std::string(op) == "MatMul";
  auto shifted = [&](int x, int zero) {
    const std::string z = b.optional_input(zero);
    const int64_t count = z.empty() ? 1 : b.value(zero).data ? b.value(zero).data->numel() : -1;
    if (count < 0) throw std::runtime_error("zero point '" + printable(z) + "' must be a constant");
    std::vector<onnx::AttributeProto> attrs;
    if (count > 1) {
      const int64_t rank = static_cast<int64_t>(b.value(x).shape.size());
      attrs.push_back(Builder::int_attr("axis", !matmul ? 0 : x == 0 ? rank - 2 : rank - 1));
    }
    const Shape shape = z.empty() ? Shape{} : b.value(zero).shape;
    const std::string ones =
        b.constant(b.fresh("one"), Tensor::from_floats(shape, std::vector<float>(count, 1.f)));
    return b.node("DequantizeLinear", {b.input(x), ones, z}, b.fresh("dq"), attrs);
  };
  const std::string a = shifted(0, 2), w = shifted(1, 3);
  const std::string y = b.node(op, {a, w}, b.fresh("float"), b.attributes());
  b.node("Cast", {y}, b.np.output(0), {Builder::int_attr("to", onnx::TensorProto::INT32)});
}

}  // namespace

bool import_qoperator(
    const onnx::NodeProto& np, const std::string& name, ImportContext& ctx,
    const std::function<void(const onnx::NodeProto&, const std::string&)>& import) {
  const std::string& t = np.op_type();
  const bool microsoft = np.domain() == "com.microsoft";
  if (!microsoft && !np.domain().empty() && np.domain() != "ai.onnx") return false;
  if (np.output_size() != 1 || np.output(0).empty()) {
    if (t.rfind("QLinear", 0) == 0 || t == "ConvInteger" || t == "MatMulInteger")
      throw std::runtime_error("takes one output");
    return false;
  }
  Builder b{np, name, ctx, import};
  if (!microsoft && t == "QLinearConv")
    qlinear_conv(b);
  else if (!microsoft && t == "QLinearMatMul")
    qlinear_binary(b, "MatMul");
  else if (!microsoft && t == "ConvInteger")
    integer_op(b, "Conv");
  else if (!microsoft && t == "MatMulInteger")
    integer_op(b, "MatMul");
  else if (microsoft && t == "QLinearAdd")
    qlinear_binary(b, "Add");
  else if (microsoft && t == "QLinearAveragePool")
    qlinear_pool(b, "AveragePool");
  else if (microsoft && t == "QLinearGlobalAveragePool")
    qlinear_pool(b, "GlobalAveragePool");
  else if (microsoft && t == "QLinearConcat")
    qlinear_concat(b);
  else
    return false;
  return true;
}

}  // namespace qcc
