#include "ir/op.h"

namespace qcc {

namespace {
constexpr const char* kOpNames[] = {
#define QCC_OP(name, onnx, facts) onnx,
#include "ir/ops.def"
#undef QCC_OP
};
constexpr unsigned kOpFacts[] = {
#define QCC_OP(name, onnx, facts) facts,
#include "ir/ops.def"
#undef QCC_OP
};
}  // namespace

const char* op_name(Op op) { return kOpNames[static_cast<int>(op)]; }

bool op_has(Op op, OpFact fact) { return (kOpFacts[static_cast<int>(op)] & fact) != 0; }

std::optional<Op> op_from_name(std::string_view name) {
  for (size_t i = 0; i < sizeof(kOpNames) / sizeof(kOpNames[0]); ++i)
    if (name == kOpNames[i]) return static_cast<Op>(i);
  return std::nullopt;
}

}  // namespace qcc
