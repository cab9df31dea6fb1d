// qcc: quantization compiler and CPU runtime for ONNX models.
#include <algorithm>
#include <cstring>
#include <exception>
#include <iostream>
#include <string>

#include "tools/commands.h"

namespace {

const struct {
  const char* name;
  qcc::Command cmd;
} kCommands[] = {
    {"inspect", {qcc::inspect_spec, qcc::run_inspect}},
    {"run", {qcc::run_spec, qcc::run_run}},
    {"compare", {qcc::compare_spec, qcc::run_compare}},
    {"bench", {qcc::bench_spec, qcc::run_bench}},
    {"calibrate", {qcc::calibrate_spec, qcc::run_calibrate}},
    {"compile", {qcc::compile_spec, qcc::run_compile}},
    {"eval", {qcc::eval_spec, qcc::run_eval}},
};

void print_main_help() {
  std::cout << "usage: qcc COMMAND [args] [options]\n\n"
               "qcc compiles ONNX models to FP16 and INT8 and runs them on its own CPU runtime.\n\n"
               "commands:\n";
  for (const auto& c : kCommands) {
    // The first sentence of the command's summary (the rest is in 'qcc COMMAND --help').
    std::string s = c.cmd.spec().summary;
    if (size_t end = s.find(". "); end != std::string::npos) s.resize(end + 1);
    std::replace(s.begin(), s.end(), '\n', ' ');
    std::cout << "  " << c.name << std::string(10 - std::strlen(c.name), ' ') << s << "\n";
  }
  std::cout << "\n'qcc COMMAND --help' describes a command.\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "--help")) {
    print_main_help();
    return argc < 2 ? 2 : 0;
  }
  for (const auto& c : kCommands) {
    if (std::strcmp(argv[1], c.name) != 0) continue;
    const qcc::cli::CommandSpec& spec = c.cmd.spec();
    try {
      qcc::cli::Args args(spec, argc - 2, argv + 2);
      if (args.help()) {
        qcc::cli::print_help(std::cout, spec);
        return 0;
      }
      return c.cmd.run(args);
    } catch (const qcc::cli::UsageError& e) {
      std::cerr << "qcc " << c.name << ": " << e.what() << "\n" << qcc::cli::usage(spec) << "\n";
      return 2;
    } catch (const std::exception& e) {
      std::cerr << "qcc " << c.name << ": error: " << e.what() << "\n";
      return 1;
    }
  }
  std::cerr << "qcc: unknown command '" << argv[1] << "' (see qcc --help)\n";
  return 2;
}
