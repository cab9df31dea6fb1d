// Operator kinds, derived from ops.def.
#pragma once

#include <optional>
#include <string_view>

namespace qcc {

enum class Op {
#define QCC_OP(name, onnx) name,
#include "ir/ops.def"
#undef QCC_OP
};

/// The ONNX op_type string of an op.
const char* op_name(Op op);
/// Op for an ONNX op_type, if qcc knows it.
std::optional<Op> op_from_name(std::string_view name);

}  // namespace qcc
