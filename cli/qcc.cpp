// qcc: quantization compiler and CPU runtime for ONNX models.
#include <iostream>

#include "cli/commands.h"

int main(int argc, char** argv) {
  return qcc::run_qcc(argc, argv, std::cerr);
}
