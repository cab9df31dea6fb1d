// The thin shell shared by qcc's subcommands: argument parsing with generated --help, JSON
// output, aligned tables and a terminal progress bar.
#pragma once

#include <signal.h>

#include <atomic>
#include <chrono>
#include <iterator>
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

/// The command stopped on a signal after saving what it had done: printed on one line, exit code
/// 128 + signal (the shell's convention).
struct Interrupted : std::runtime_error {
  Interrupted(int sig, const std::string& what) : std::runtime_error(what), signal(sig) {}
  int signal;
};

/// While alive, SIGINT, SIGTERM and SIGHUP (Ctrl-C, kill, a scheduler's stop, a closed terminal)
/// set stop() instead of ending the process, so a long command can finish its step and save what
/// it has done; a second signal ends the process as usual. Signals ignored before stay ignored;
/// the previous handlers come back after.
class StopOnSignal {
 public:
  StopOnSignal();
  ~StopOnSignal();
  StopOnSignal(const StopOnSignal&) = delete;
  StopOnSignal& operator=(const StopOnSignal&) = delete;
  const std::atomic<bool>& stop() const;
  void request_stop();  ///< the command stops itself the same way (no signal)
  int signal() const;   ///< the signal received, 0 while none

 private:
  static constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};
  struct sigaction old_[std::size(kSignals)];
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

/// A progress bar with rate and ETA on stderr, drawn only when stderr is a terminal. With `log`,
/// a stderr that is not a terminal (a batch job's log file) gets a plain line at every tenth of
/// the work and at least once a minute.
class Progress {
 public:
  Progress(std::string label, int64_t total, std::string unit, bool log = false);
  void advance(int64_t n = 1);
  void set(int64_t done) { advance(done - done_); }
  void finish();
  ~Progress() { finish(); }

 private:
  double rate() const;  ///< units per second so far
  double eta() const;   ///< seconds left at that rate
  void draw(bool final);
  void log_line();
  std::string label_, unit_;
  int64_t total_, done_ = 0, logged_tenths_ = 0;
  bool tty_, log_, finished_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace qcc::cli
