// ONNX Runtime's QOperator ops (QLinearConv, QLinearMatMul, ConvInteger, MatMulInteger, and
// com.microsoft's QLinearAdd, QLinearAveragePool, QLinearGlobalAveragePool, QLinearConcat)
// imported as the equivalent QDQ subgraph of standard ops; see onnx_qoperator.cpp.
#pragma once

#include <functional>
#include <string>

#include "frontend/onnx_ops.h"

namespace qcc {

/// Translates `np` if it is a QOperator op, importing each standard node it becomes through
/// `import`; false when it is not one (the caller imports it as usual). Throws on malformed ones.
bool import_qoperator(const onnx::NodeProto& np, const std::string& name, ImportContext& ctx,
                      const std::function<void(const onnx::NodeProto&, const std::string&)>& import);

}  // namespace qcc
