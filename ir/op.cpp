#include "ir/op.h"

namespace qcc {

namespace {
constexpr const char* kOpNames[] = {
#define QCC_OP(name, onnx, family, min_in, max_in, max_out, facts) onnx,
#include "ir/ops.def"
#undef QCC_OP
};
constexpr unsigned kOpFacts[] = {
#define QCC_OP(name, onnx, family, min_in, max_in, max_out, facts) facts,
#include "ir/ops.def"
#undef QCC_OP
};
constexpr int kMany = 1 << 20;
constexpr OpArity kOpArities[] = {
#define QCC_OP(name, onnx, family, min_in, max_in, max_out, facts) {min_in, max_in, max_out},
#include "ir/ops.def"
#undef QCC_OP
};
constexpr OpFamily kOpFamilies[] = {
#define QCC_OP(name, onnx, family, min_in, max_in, max_out, facts) OpFamily::family,
#include "ir/ops.def"
#undef QCC_OP
};
}  // namespace

const char* op_name(Op op) { return kOpNames[static_cast<int>(op)]; }

OpArity op_arity(Op op) { return kOpArities[static_cast<int>(op)]; }

OpFamily op_family(Op op) { return kOpFamilies[static_cast<int>(op)]; }

bool op_has(Op op, OpFact fact) { return (kOpFacts[static_cast<int>(op)] & fact) != 0; }

std::optional<Op> op_from_name(std::string_view name) {
  for (size_t i = 0; i < sizeof(kOpNames) / sizeof(kOpNames[0]); ++i)
    if (name == kOpNames[i]) return static_cast<Op>(i);
  return std::nullopt;
}

}  // namespace qcc
