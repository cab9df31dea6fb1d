// The command line: which command runs, and how its failures reach the user.
#include <algorithm>
#include <cstring>
#include <exception>
#include <iostream>
#include <string>

#include "ir/printable.h"
#include "cli/commands.h"

namespace qcc {

namespace {

const struct {
  const char* name;
  Command cmd;
} kCommands[] = {
    {"inspect", {inspect_spec, run_inspect}}, {"run", {run_spec, run_run}},
    {"compare", {compare_spec, run_compare}}, {"bench", {bench_spec, run_bench}},
    {"calibrate", {calibrate_spec, run_calibrate}}, {"compile", {compile_spec, run_compile}},
    {"eval", {eval_spec, run_eval}}, {"merge", {merge_spec, run_merge}},
    {"report", {report_spec, run_report}},
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
    std::cout << "  " << c.name << std::string(11 - std::strlen(c.name), ' ') << s << "\n";
  }
  std::cout << "\n'qcc COMMAND --help' describes a command.\n";
}

// Runs the command; anything it leaves unwritten on standard output is a failure too.
int run_checked(const Command& cmd, const cli::Args& args) {
  int code = cmd.run(args);
  std::cout.flush();
  if (!std::cout) throw std::runtime_error("cannot write to standard output");
  return code;
}

}  // namespace

int run_qcc(int argc, char** argv, std::ostream& err) {
  if (argc < 2 || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "--help")) {
    print_main_help();
    return argc < 2 ? 2 : 0;
  }
  for (const auto& c : kCommands) {
    if (std::strcmp(argv[1], c.name) != 0) continue;
    const cli::CommandSpec& spec = c.cmd.spec();
    try {
      cli::Args args(spec, argc - 2, argv + 2);
      if (args.help()) {
        cli::print_help(std::cout, spec);
        return 0;
      }
      return run_checked(c.cmd, args);
    } catch (const cli::Interrupted& e) {
      err << "qcc " << c.name << ": interrupted: " << error_line(e) << "\n";
      return 128 + e.signal;
    } catch (const cli::UsageError& e) {
      err << "qcc " << c.name << ": " << error_line(e) << "\n" << cli::usage(spec) << "\n";
      return 2;
    } catch (const std::exception& e) {
      err << "qcc " << c.name << ": error: " << error_line(e) << "\n";
      return 1;
    }
  }
  err << "qcc: unknown command '" << printable(argv[1]) << "' (see qcc --help)\n";
  return 2;
}

}  // namespace qcc
