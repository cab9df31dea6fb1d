#include "frontend/onnx_export.h"

#include <set>
#include <stdexcept>

#include "frontend/file_io.h"
#include "frontend/tensor_proto.h"
#include "ir/printable.h"
#include "ir/shape_inference.h"

namespace qcc {

namespace {

class Exporter {
 public:
  explicit Exporter(const Graph& g) : g_(g) {}

  onnx::ModelProto run() {
    onnx::ModelProto m;
    m.set_ir_version(8);
    m.set_producer_name("qcc");
    m.add_opset_import()->set_version(g_.opset);
    gp_ = m.mutable_graph();
    gp_->set_name(g_.name.empty() ? "qcc" : g_.name);
    for (const Value* v : g_.inputs) value_info(*v, gp_->add_input());
    for (const Value* v : g_.outputs) value_info(*v, gp_->add_output());
    for (const auto& v : g_.values())
      if (v->is_constant() && used(v.get())) *gp_->add_initializer() = tensor_to_proto(*v->data, v->name);
    for (const auto& n : g_.nodes()) node(*n);
    return m;
  }

 private:
  bool used(const Value* v) {
    if (used_.empty()) {
      for (const auto& n : g_.nodes()) used_.insert(n->inputs.begin(), n->inputs.end());
      used_.insert(g_.outputs.begin(), g_.outputs.end());
    }
    return used_.count(v) != 0;
  }

  static void value_info(const Value& v, onnx::ValueInfoProto* vi) {
    vi->set_name(v.name);
    auto* tt = vi->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(dtype_to_onnx(v.dtype));
    auto* shape = tt->mutable_shape();
    for (int64_t d : v.shape) {
      if (d < 0)
        shape->add_dim()->set_dim_param("batch");
      else
        shape->add_dim()->set_dim_value(d);
    }
  }

  // A new int64 initializer for an attribute that later opsets take as an input.
  std::string ints_input(const std::string& base, const std::vector<int64_t>& v) {
    std::string name = base + "_" + std::to_string(extra_++);
    *gp_->add_initializer() = tensor_to_proto(Tensor::from_ints({static_cast<int64_t>(v.size())}, v), name);
    return name;
  }

  static void set_attr(onnx::NodeProto* np, const std::string& k, const AttrValue& v) {
    auto* a = np->add_attribute();
    a->set_name(k);
    if (auto p = std::get_if<int64_t>(&v)) {
      a->set_type(onnx::AttributeProto::INT);
      a->set_i(*p);
    } else if (auto p = std::get_if<float>(&v)) {
      a->set_type(onnx::AttributeProto::FLOAT);
      a->set_f(*p);
    } else if (auto p = std::get_if<std::string>(&v)) {
      a->set_type(onnx::AttributeProto::STRING);
      a->set_s(*p);
    } else if (auto p = std::get_if<std::vector<int64_t>>(&v)) {
      a->set_type(onnx::AttributeProto::INTS);
      for (int64_t x : *p) a->add_ints(x);
    } else if (auto p = std::get_if<std::vector<float>>(&v)) {
      a->set_type(onnx::AttributeProto::FLOATS);
      for (float x : *p) a->add_floats(x);
    }
  }

  void node(const Node& n) {
    if (n.nhwc()) throw std::runtime_error(n.label() + ": NHWC graphs cannot be exported");
    onnx::NodeProto* np = gp_->add_node();
    np->set_op_type(op_name(n.op));
    np->set_name(n.name);
    for (const Value* v : n.inputs) np->add_input(v ? v->name : "");
    const bool fused = n.activation == Activation::relu;
    std::string out0 = n.out(0)->name;
    for (size_t i = 0; i < n.outputs.size(); ++i)
      np->add_output(n.outputs[i] ? (i == 0 && fused ? out0 + "_preact" : n.outputs[i]->name) : "");
    for (const auto& [k, v] : n.attrs.all()) {
      if (moved_to_input(n, k)) continue;
      if (k == "to" && n.op == Op::Cast) {
        set_attr(np, k, static_cast<int64_t>(dtype_to_onnx(static_cast<DType>(std::get<int64_t>(v)))));
        continue;
      }
      set_attr(np, k, v);
    }
    attrs_to_inputs(n, np);
    if (fused) {  // the fused activation becomes its own node again
      onnx::NodeProto* r = gp_->add_node();
      r->set_op_type("Relu");
      r->set_name(n.name + "_relu");
      r->add_input(out0 + "_preact");
      r->add_output(out0);
    }
  }

  bool moved_to_input(const Node& n, const std::string& k) const {
    int opset = g_.opset;
    switch (n.op) {
      case Op::Pad: return opset >= 11 && (k == "pads" || k == "value");
      case Op::Unsqueeze:
      case Op::Squeeze: return opset >= 13 && k == "axes";
      case Op::Slice: return opset >= 10 && (k == "starts" || k == "ends" || k == "axes" || k == "steps");
      default: return false;
    }
  }

  // Later opsets take some attributes as inputs: emit them as initializers.
  void attrs_to_inputs(const Node& n, onnx::NodeProto* np) {
    const std::string base = n.name;
    if (n.op == Op::Pad && g_.opset >= 11) {
      np->add_input(ints_input(base + "_pads", n.attrs.ints("pads")));
      std::string vname = base + "_value_" + std::to_string(extra_++);
      *gp_->add_initializer() = tensor_to_proto(Tensor::scalar(n.in(0)->dtype, n.attrs.f("value", 0.f)), vname);
      np->add_input(vname);
    } else if ((n.op == Op::Unsqueeze || n.op == Op::Squeeze) && g_.opset >= 13 && n.attrs.has("axes")) {
      np->add_input(ints_input(base + "_axes", n.attrs.ints("axes")));
    } else if (n.op == Op::Slice && g_.opset >= 10) {
      for (const char* k : {"starts", "ends", "axes", "steps"})
        np->add_input(n.attrs.has(k) ? ints_input(base + "_" + k, n.attrs.ints(k)) : "");
      while (np->input_size() && np->input(np->input_size() - 1).empty()) np->mutable_input()->RemoveLast();
    }
  }

  const Graph& g_;
  onnx::GraphProto* gp_ = nullptr;
  std::set<const Value*> used_;
  int extra_ = 0;
};

}  // namespace

onnx::ModelProto export_onnx(const Graph& g) { return Exporter(g).run(); }

void save_onnx_file(const Graph& g, const std::string& path) {
  onnx::ModelProto m = export_onnx(g);
  if (m.ByteSizeLong() > kMaxProtobufBytes)
    throw std::runtime_error(printable(path) + ": the model is over 2 GB, more than one ONNX file can hold");
  write_file(path, [&](std::ostream& f) {
    if (!m.SerializeToOstream(&f)) f.setstate(std::ios::badbit);
  });
}

}  // namespace qcc
