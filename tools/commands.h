// qcc subcommands: each has a spec (for parsing and --help) and a body returning the exit code.
#pragma once

#include "compiler/calibrate.h"
#include "tools/cli.h"

namespace qcc {

struct Command {
  const cli::CommandSpec& (*spec)();
  int (*run)(const cli::Args&);
};

const cli::CommandSpec& inspect_spec();
int run_inspect(const cli::Args& a);
const cli::CommandSpec& run_spec();
int run_run(const cli::Args& a);
const cli::CommandSpec& compare_spec();
int run_compare(const cli::Args& a);
const cli::CommandSpec& bench_spec();
int run_bench(const cli::Args& a);

const cli::CommandSpec& calibrate_spec();
int run_calibrate(const cli::Args& a);
const cli::CommandSpec& compile_spec();
int run_compile(const cli::Args& a);
const cli::CommandSpec& eval_spec();
int run_eval(const cli::Args& a);

/// --threads N (0 = all cores), shared by the commands that execute models.
cli::OptionSpec threads_option();

/// --calib DIR, --calib-count N, --calib-batch N (calibrate and compile).
std::vector<cli::OptionSpec> calib_folder_options();
/// Calibrates the optimized graph `g` on the images those options select, with progress;
/// `model` is recorded in the profile. Throws when no image decodes.
CalibrationProfile calibrate_folder(const Graph& g, const cli::Args& a, const std::string& model);

}  // namespace qcc
