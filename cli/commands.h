// qcc subcommands: each has a spec (for parsing and --help) and a body returning the exit code.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "compiler/calibrate.h"
#include "frontend/onnx_import.h"
#include "runtime/image.h"
#include "cli/cli.h"

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
const cli::CommandSpec& merge_spec();
int run_merge(const cli::Args& a);
const cli::CommandSpec& report_spec();
int run_report(const cli::Args& a);

/// The whole command line (argv[0] is the program): dispatches to a command and turns every
/// failure into one line on `err` and an exit code -- 1 for failures, 2 for usage errors.
int run_qcc(int argc, char** argv, std::ostream& err);

// Options shared by the commands (options.cpp).

/// --threads N (0 = all cores, at most kMaxThreads), shared by the commands that execute models.
cli::OptionSpec threads_option();
int thread_count(const cli::Args& a);
/// --max-model-bytes N: the memory a model may make qcc allocate (see kDefaultMaxModelBytes).
cli::OptionSpec max_model_bytes_option();
ImportOptions import_options(const cli::Args& a);
/// --max-image-pixels N: the largest image (decoded or resized) the loader accepts.
cli::OptionSpec max_image_pixels_option();
Preprocess preprocess_options(const cli::Args& a);
/// The lines of a small text file (labels); a folder or device is an error naming it.
std::vector<std::string> read_lines(const std::string& path);
/// A classifier's scores for a batch of `rows` images: its first output, which must be f32
/// [rows, classes] with classes >= 1 (else an error saying what the model gave instead).
const Tensor& class_scores(const std::vector<Tensor>& outputs, int64_t rows);

/// --calib DIR, --calib-count N, --calib-batch N (calibrate and compile).
std::vector<cli::OptionSpec> calib_folder_options();
/// Calibrates the optimized graph `g` on the images those options select, with progress;
/// `model` is recorded in the profile. Throws when no image decodes.
CalibrationProfile calibrate_folder(const Graph& g, const cli::Args& a, const std::string& model);

}  // namespace qcc
