// qcc subcommands: each has a spec (for parsing and --help) and a body returning the exit code.
#pragma once

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

const cli::CommandSpec& compile_spec();
int run_compile(const cli::Args& a);
const cli::CommandSpec& eval_spec();
int run_eval(const cli::Args& a);

/// --threads N (0 = all cores), shared by the commands that execute models.
cli::OptionSpec threads_option();

}  // namespace qcc
