// Operator kinds, derived from ops.def.
#pragma once

#include <optional>
#include <string_view>

namespace qcc {

enum class Op {
#define QCC_OP(name, onnx, family, min_in, max_in, max_out, facts) name,
#include "ir/ops.def"
#undef QCC_OP
};

/// Inputs and outputs an op takes in ONNX (at the newest opset qcc reads).
struct OpArity {
  int required, max_inputs, max_outputs;
};
OpArity op_arity(Op op);

/// Which runtime step factory binds an op.
enum class OpFamily { Gemm, Pool, Data, Math };
OpFamily op_family(Op op);

/// Facts about an op (see ops.def), as bits.
enum OpFact : unsigned {
  kKeepsScale = 1u << 0,
  kRequantizes = 1u << 1,
  kKeepsSign = 1u << 2,
  kAllData = 1u << 3,
  kModelOp = 1u << 4,
  kView = 1u << 5,
  kSpatial = 1u << 6,
  kElementwise = 1u << 7,
  kF16Always = 1u << 8,
  kF16Follow = 1u << 9,
  kUnaryMath = 1u << 10,
  kStridedOut = 1u << 11,
};
bool op_has(Op op, OpFact fact);

/// The ONNX op_type string of an op.
const char* op_name(Op op);
/// Op for an ONNX op_type, if qcc knows it.
std::optional<Op> op_from_name(std::string_view name);

}  // namespace qcc
