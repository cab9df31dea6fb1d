#include "ir/stats.h"

#include <set>
#include <sstream>

#include "ir/printer.h"
#include "ir/shape_inference.h"

namespace qcc {

int64_t node_macs(const Node& n) {
  const Value* out = n.out(0);
  if (!out || !shape_is_static(out->shape)) return 0;
  int64_t outputs = shape_numel(out->shape);
  switch (n.op) {
    case Op::Conv: {
      const Shape& w = n.in(1)->shape;  // [O, I/group, kh, kw]
      return outputs * w[1] * w[2] * w[3];
    }
    case Op::Gemm: {
      const Shape& a = n.in(0)->shape;
      return outputs * (n.attrs.i("transA") ? a[0] : a[1]);
    }
    case Op::MatMul: return outputs * n.in(0)->shape.back();
    default: return 0;
  }
}

int64_t parameter_bytes(const Graph& g) {
  std::set<const Value*> seen;
  int64_t bytes = 0;
  for (const auto& n : g.nodes())
    for (const Value* v : n->inputs)
      if (v && v->is_constant() && seen.insert(v).second) bytes += v->data->nbytes();
  return bytes;
}

uint64_t fnv1a(uint64_t h, const uint8_t* p, size_t n) {
  for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 0x100000001b3ull;
  return h;
}

uint64_t graph_fingerprint(const Graph& g) {
  std::ostringstream text;  // structure, names, shapes and attributes, as printed
  print_graph(text, g);
  const std::string s = text.str();
  uint64_t h = fnv1a(kFnv1aSeed, reinterpret_cast<const uint8_t*>(s.data()), s.size());
  std::set<const Value*> seen;
  for (const auto& n : g.nodes())
    for (const Value* v : n->inputs)
      if (v && v->is_constant() && seen.insert(v).second) h = fnv1a(h, v->data->raw(), v->data->nbytes());
  return h;
}

}  // namespace qcc
