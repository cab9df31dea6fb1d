#include "ir/printer.h"

#include <sstream>

namespace qcc {

namespace {

struct AttrPrinter {
  std::ostream& os;
  void operator()(int64_t v) { os << v; }
  void operator()(float v) { os << v; }
  void operator()(const std::string& v) { os << '"' << v << '"'; }
  template <typename T>
  void operator()(const std::vector<T>& v) {
    os << '[';
    for (size_t i = 0; i < v.size(); ++i) os << (i ? "," : "") << v[i];
    os << ']';
  }
};

}  // namespace

std::string value_str(const Value& v) {
  std::ostringstream os;
  os << v.name << ':' << dtype_name(v.dtype) << shape_str(v.shape);
  if (v.quant) {
    os << "{q scale=" << v.quant->scale[0];
    if (v.quant->scale.size() > 1) os << ".. (" << v.quant->scale.size() << ")";
    os << '}';
  }
  return os.str();
}

void print_graph(std::ostream& os, const Graph& g) {
  os << "graph " << g.name << " (opset " << g.opset << ")\n";
  for (const Value* v : g.inputs) os << "  input  " << value_str(*v) << '\n';
  for (const auto& n : g.nodes()) {
    os << "  ";
    for (size_t i = 0; i < n->outputs.size(); ++i)
      os << (i ? ", " : "") << (n->outputs[i] ? value_str(*n->outputs[i]) : "_");
    os << " = " << n->label() << '(';
    for (size_t i = 0; i < n->inputs.size(); ++i)
      os << (i ? ", " : "") << (n->inputs[i] ? n->inputs[i]->name : "_");
    os << ')';
    if (!n->attrs.all().empty()) {
      os << " {";
      bool first = true;
      for (const auto& [k, v] : n->attrs.all()) {
        os << (first ? "" : " ") << k << '=';
        std::visit(AttrPrinter{os}, v);
        first = false;
      }
      os << '}';
    }
    if (n->activation == Activation::relu) os << " +relu";
    if (n->nhwc()) os << " nhwc";
    if (n->input_nonneg) os << " input>=0";
    if (n->coerce_2d) os << " coerce-2d";
    os << '\n';
  }
  for (const Value* v : g.outputs) os << "  output " << value_str(*v) << '\n';
}

}  // namespace qcc
