// The thin shell shared by qcc's subcommands: argument parsing with generated --help, JSON
// output, aligned tables and a terminal progress bar.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli/json.h"

namespace qcc::cli {

/// A user error in the command line: printed with the usage line, exit code 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct OptionSpec {
  std::string name;    ///< without dashes
  std::string value;   ///< metavariable ("N", "FILE"); empty for a boolean flag
  std::string help;
  std::string def;     ///< default shown in --help
  /// Checked when parsing: the bounds of an integer option ...
  std::optional<std::pair<int64_t, int64_t>> range = std::nullopt;
  /// ... and whether it names a file the command writes (which may not be one of its inputs).
  bool output_file = false;
};

struct CommandSpec {
  std::string name;
  std::string args;    ///< positional synopsis, e.g. "MODEL.onnx IMAGE..."
  std::string summary;
  std::vector<OptionSpec> options;
  int min_positional = 0;
  int max_positional = 1 << 30;
};

class Args {
 public:
  /// Parses argv after the subcommand. Throws UsageError (also for a value given to a boolean flag,
  /// an integer outside its range, an output file that is one of the inputs); sets help() for
  /// -h/--help.
  Args(const CommandSpec& spec, int argc, char** argv);
  bool help() const { return help_; }
  const std::vector<std::string>& positional() const { return positional_; }
  bool has(const std::string& name) const { return values_.count(name) != 0; }
  std::string str(const std::string& name, const std::string& def = "") const;
  int64_t integer(const std::string& name, int64_t def) const;
  double real(const std::string& name, double def) const;

 private:
  void check_option(const OptionSpec& o) const;

  const CommandSpec& spec_;
  std::vector<std::string> positional_;
  std::map<std::string, std::string> values_;
  bool help_ = false;
};

std::string usage(const CommandSpec& spec);
void print_help(std::ostream& os, const CommandSpec& spec);

/// Column-aligned text table.
class Table {
 public:
  explicit Table(std::vector<std::string> header) : rows_{std::move(header)} {}
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  void print(std::ostream& os) const;

 private:
  std::vector<std::vector<std::string>> rows_;
};

std::string fmt(double v, int decimals);

/// A progress bar with rate and ETA on stderr, drawn only when stderr is a terminal.
class Progress {
 public:
  Progress(std::string label, int64_t total, std::string unit);
  void advance(int64_t n = 1);
  void set(int64_t done) { advance(done - done_); }
  void finish();
  ~Progress() { finish(); }

 private:
  void draw(bool final);
  std::string label_, unit_;
  int64_t total_, done_ = 0;
  bool tty_, finished_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace qcc::cli
