// libFuzzer target: bytes -> a serialized TensorProto (the .pb files of ONNX test data), as
// `qcc compare` reads them. Any exception is a clean rejection.
#include <cstdint>
#include <string>

#include "frontend/tensor_proto.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    std::string name;
    qcc::Tensor t = qcc::tensor_from_bytes(std::string(reinterpret_cast<const char*>(data), size),
                                           qcc::fuzz::data_dir(), &name, 16 << 20);
    // Reading every element as compare does touches all of it.
    double sum = 0;
    for (int64_t i = 0; i < t.numel(); ++i) sum += t.as_double(i);
    volatile double sink = sum;
    (void)sink;
  } catch (const std::exception& e) {
    qcc::fuzz::check_rejection(e);
  }
  return 0;
}
