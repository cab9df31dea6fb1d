// Operator kinds, derived from ops.def.
#pragma once

#include <optional>
#include <string_view>

namespace qcc {

enum class Op {
#define QCC_OP(name, onnx, facts) name,
#include "ir/ops.def"
#undef QCC_OP
};

/// Facts about an op (see ops.def), as bits.
enum OpFact : unsigned {
  kKeepsScale = 1u << 0,
  kRequantizes = 1u << 1,
  kKeepsSign = 1u << 2,
  kAllData = 1u << 3,
  kModelOp = 1u << 4,
};
bool op_has(Op op, OpFact fact);

/// The ONNX op_type string of an op.
const char* op_name(Op op);
/// Op for an ONNX op_type, if qcc knows it.
std::optional<Op> op_from_name(std::string_view name);

}  // namespace qcc
