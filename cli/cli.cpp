#include "cli/cli.h"

#include <cmath>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <unistd.h>

#include "frontend/file_io.h"
#include "ir/printable.h"

namespace qcc::cli {

Args::Args(const CommandSpec& spec, int argc, char** argv) : spec_(spec) {
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-h" || a == "--help") {
      help_ = true;
      return;
    }
    // "--name[=value]", or "-x" for one-letter options such as -o.
    bool long_opt = a.size() > 2 && a.rfind("--", 0) == 0;
    bool short_opt = a.size() == 2 && a[0] == '-' && a[1] != '-';
    if (long_opt || short_opt) {
      std::string name = a.substr(long_opt ? 2 : 1), value;
      size_t eq = name.find('=');
      if (eq != std::string::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
      }
      const OptionSpec* opt = nullptr;
      for (const auto& o : spec.options)
        if (o.name == name) opt = &o;
      if (!opt) throw UsageError("unknown option " + printable(a));
      if (opt->value.empty() && eq != std::string::npos)
        throw UsageError("--" + name + " is a flag and takes no value (got '" + printable(a) + "')");
      if (!opt->value.empty() && eq == std::string::npos) {
        if (i + 1 >= argc) throw UsageError(a + " needs a value (" + opt->value + ")");
        value = argv[++i];
      }
      values_[name] = opt->value.empty() ? "1" : value;
      continue;
    }
    positional_.push_back(a);
  }
  int n = static_cast<int>(positional_.size());
  if (n < spec.min_positional) throw UsageError("missing arguments");
  if (n > spec.max_positional) throw UsageError("too many arguments");
  for (const auto& o : spec.options) check_option(o);
}

void Args::check_option(const OptionSpec& o) const {
  if (!has(o.name)) return;
  const std::string flag = (o.name.size() == 1 ? "-" : "--") + o.name;
  if (o.range) {
    const int64_t v = integer(o.name, 0);
    if (v < o.range->first || v > o.range->second)
      throw UsageError(flag + " must be in " + std::to_string(o.range->first) + ".." +
                       std::to_string(o.range->second) + ", got " + std::to_string(v));
  }
  if (o.output_file)
    for (const auto& in : positional_)
      if (same_file(str(o.name), in))
        throw UsageError(flag + " " + printable(str(o.name)) + " is an input of this command (refusing to overwrite it)");
}

std::string Args::str(const std::string& name, const std::string& def) const {
  auto it = values_.find(name);
  return it == values_.end() ? def : it->second;
}

int64_t Args::integer(const std::string& name, int64_t def) const {
  auto it = values_.find(name);
  if (it == values_.end()) return def;
  try {
    size_t used = 0;
    int64_t v = std::stoll(it->second, &used);
    if (used == it->second.size()) return v;
  } catch (const std::exception&) {
  }
  throw UsageError("--" + name + " expects an integer, got '" + printable(it->second) + "'");
}

double Args::real(const std::string& name, double def) const {
  auto it = values_.find(name);
  if (it == values_.end()) return def;
  try {
    size_t used = 0;
    double v = std::stod(it->second, &used);
    if (used == it->second.size()) return v;
  } catch (const std::exception&) {
  }
  throw UsageError("--" + name + " expects a number, got '" + printable(it->second) + "'");
}

std::string usage(const CommandSpec& spec) {
  return "usage: qcc " + spec.name + " " + spec.args + (spec.options.empty() ? "" : " [options]");
}

void print_help(std::ostream& os, const CommandSpec& spec) {
  os << usage(spec) << "\n\n" << spec.summary << "\n";
  if (spec.options.empty()) return;
  os << "\noptions:\n";
  for (const auto& o : spec.options) {
    std::string left = (o.name.size() == 1 ? "  -" : "  --") + o.name + (o.value.empty() ? "" : " " + o.value);
    os << std::left << std::setw(26) << left << " " << o.help;
    if (!o.def.empty()) os << " (default " << o.def << ")";
    os << "\n";
  }
  os << "  -h, --help                 show this help\n";
}

void Table::print(std::ostream& os) const {
  std::vector<size_t> w;
  for (const auto& r : rows_)
    for (size_t i = 0; i < r.size(); ++i) {
      if (w.size() <= i) w.push_back(0);
      w[i] = std::max(w[i], r[i].size());
    }
  for (size_t ri = 0; ri < rows_.size(); ++ri) {
    const auto& r = rows_[ri];
    for (size_t i = 0; i < r.size(); ++i) {
      // First column left-aligned (names), the rest right-aligned (numbers).
      if (i == 0)
        os << std::left << std::setw(static_cast<int>(w[i])) << r[i];
      else
        os << "  " << std::right << std::setw(static_cast<int>(w[i])) << r[i];
    }
    os << "\n";
    if (ri == 0) {
      size_t total = 0;
      for (size_t x : w) total += x + 2;
      os << std::string(total - 2, '-') << "\n";
    }
  }
}

std::string fmt(double v, int decimals) {
  if (!std::isfinite(v)) return std::isnan(v) ? "nan" : (v > 0 ? "inf" : "-inf");
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

namespace {

std::atomic<bool> g_stop{false};
std::atomic<int> g_signal{0};

// Async-signal-safe: lock-free atomics only.
void on_stop_signal(int sig) {
  g_signal = sig;
  g_stop = true;
}

}  // namespace

StopOnSignal::StopOnSignal() {
  g_stop = false;
  g_signal = 0;
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sa.sa_flags = SA_RESETHAND;  // the second signal gets the default action: the process ends
  sigemptyset(&sa.sa_mask);
  for (size_t i = 0; i < std::size(kSignals); ++i) {
    sigaction(kSignals[i], nullptr, &old_[i]);
    // An ignored signal stays ignored: a shell starts background jobs with SIGINT ignored so
    // that Ctrl-C reaches only the foreground.
    if (old_[i].sa_handler != SIG_IGN) sigaction(kSignals[i], &sa, nullptr);
  }
}

StopOnSignal::~StopOnSignal() {
  for (size_t i = 0; i < std::size(kSignals); ++i) sigaction(kSignals[i], &old_[i], nullptr);
}

const std::atomic<bool>& StopOnSignal::stop() const {
  return g_stop;
}

void StopOnSignal::request_stop() {
  g_stop = true;
}

int StopOnSignal::signal() const {
  return g_signal;
}

Progress::Progress(std::string label, int64_t total, std::string unit, bool log)
    : label_(std::move(label)), unit_(std::move(unit)), total_(total), tty_(isatty(2)), log_(log && !tty_),
      start_(std::chrono::steady_clock::now()), last_draw_(start_) {}

void Progress::advance(int64_t n) {
  done_ += n;
  auto now = std::chrono::steady_clock::now();
  if (tty_ && now - last_draw_ > std::chrono::milliseconds(200)) {
    last_draw_ = now;
    draw(false);
  }
  const int64_t tenths = total_ > 0 ? done_ * 10 / total_ : 0;
  if (log_ && (tenths > logged_tenths_ || now - last_draw_ > std::chrono::minutes(1))) {
    logged_tenths_ = tenths;
    last_draw_ = now;
    log_line();
  }
}

void Progress::finish() {
  if (finished_) return;
  finished_ = true;
  if (tty_) draw(true);
}

double Progress::rate() const {
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  return secs > 0 ? done_ / secs : 0;
}

double Progress::eta() const {
  const double r = rate();
  return r > 0 ? (total_ - done_) / r : 0;
}

void Progress::log_line() {
  std::fprintf(stderr, "%s: %lld/%lld %s, %.1f %s/s, ETA %.0f s\n", label_.c_str(), static_cast<long long>(done_),
               static_cast<long long>(total_), unit_.c_str(), rate(), unit_.c_str(), eta());
}

void Progress::draw(bool final) {
  double frac = total_ > 0 ? static_cast<double>(done_) / total_ : 0;
  int filled = static_cast<int>(frac * 30);
  std::string bar(filled, '#');
  bar += std::string(30 - filled, '.');
  std::fprintf(stderr, "\r%s [%s] %lld/%lld %.1f %s/s ETA %.0fs   ", label_.c_str(), bar.c_str(),
               static_cast<long long>(done_), static_cast<long long>(total_), rate(), unit_.c_str(),
               final ? 0.0 : eta());
  if (final) std::fprintf(stderr, "\n");
}

}  // namespace qcc::cli
