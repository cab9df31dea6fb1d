// libFuzzer target: bytes -> ONNX model -> import (validation, shape inference) -> the runtime's
// passes and lowering -> a plan at batch 1, run once when it is small. Any exception is a clean
// rejection; a crash, sanitizer report, leak or allocation beyond the limits is a bug.
#include <cstdint>
#include <filesystem>
#include <fstream>

#include "frontend/onnx_import.h"
#include "fuzz_util.h"
#include "ir/stats.h"
#include "runtime/session.h"

namespace {

constexpr uint64_t kLimit = 16 << 20;

// Inputs at batch 1, with a deterministic pattern so kernels see more than zeros.
std::vector<qcc::Tensor> inputs_for(const qcc::Graph& g) {
  std::vector<qcc::Tensor> ins;
  for (const qcc::Value* v : g.inputs) {
    qcc::Shape s = v->shape;
    for (auto& d : s) d = d < 0 ? 1 : d;
    auto bytes = qcc::shape_bytes(s, v->dtype);
    if (!bytes || *bytes > kLimit) return {};
    qcc::Tensor t(v->dtype, s);
    if (v->dtype == qcc::DType::f32)
      for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = static_cast<float>(i % 7) - 3.f;
    ins.push_back(std::move(t));
  }
  return ins;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  onnx::ModelProto m;
  if (!m.ParseFromArray(data, static_cast<int>(size))) return 0;
  try {
    qcc::ImportOptions opt;
    opt.max_bytes = kLimit;
    qcc::Session session(qcc::import_onnx_model(m, qcc::fuzz::data_dir(), opt), 1, true, kLimit);
    std::vector<qcc::Tensor> ins = inputs_for(session.graph());
    if (ins.size() != session.graph().inputs.size()) return 0;
    std::vector<qcc::Shape> shapes;
    for (const auto& t : ins) shapes.push_back(t.shape());
    qcc::Plan& plan = session.plan_for(shapes);
    int64_t macs = 0;
    for (const auto& n : plan.graph().nodes()) macs += qcc::node_macs(*n);
    if (macs <= 1'000'000 && plan.memory().arena_bytes <= (1 << 20)) session.run(ins);
  } catch (const std::exception& e) {
    qcc::fuzz::check_rejection(e);
  }
  return 0;
}
