// qcc bench: median inference time per image of a model on random inputs.
#include <algorithm>
#include <chrono>
#include <iostream>
#include <map>
#include <random>

#include "frontend/onnx_import.h"
#include "kernels/config.h"
#include "kernels/peak.h"
#include "runtime/session.h"
#include "cli/commands.h"

namespace qcc {

const cli::CommandSpec& bench_spec() {
  static const cli::CommandSpec s = {
      "bench", "MODEL.onnx",
      "Time inference on random inputs: median over iterations after warm-up, per image.",
      {{"batch", "N", "images per run", "16", {{1, 4096}}},
       {"iters", "N", "timed runs", "10", {{1, 1000000}}},
       {"warmup", "N", "untimed runs first", "2", {{0, 1000000}}},
       {"profile", "", "print time, MACs and % of this CPU's peak per kernel kind, and the slowest nodes", ""},
       {"json", "FILE", "write the result as JSON", "", {}, true},
       threads_option(),
       max_model_bytes_option()},
      1, 1};
  return s;
}

namespace {

Tensor random_input(const Value& v, int64_t batch, std::mt19937& rng) {
  Shape s = v.shape;
  for (auto& d : s)
    if (d < 0) d = batch;
  Tensor t(v.dtype, s);
  if (v.dtype != DType::f32) return t;  // zeros for integer inputs
  std::normal_distribution<float> dist(0.f, 1.f);
  for (int64_t i = 0; i < t.numel(); ++i) t.data<float>()[i] = dist(rng);
  return t;
}

// Time, MACs and achieved rate per kernel kind, against this CPU's measured peaks (float kinds
// against the FMA peak, int8 ones against the int8 instructions' peak; Winograd counts the MACs
// of the direct convolution it replaces, so it can pass 100%).
void print_kinds(const Plan& plan, int64_t batch) {
  struct Row {
    double ms = 0;
    int64_t macs = 0;
    bool integer = false;
  };
  std::map<std::string, Row> by_kind;
  double total_ms = 0;
  int64_t total_macs = 0;
  for (const auto& p : plan.profile()) {
    if (!p.runs) continue;
    const std::string kind = p.kind.empty() ? "other" : p.kind;
    Row& r = by_kind[kind + (p.integer ? " int8" : p.kind.empty() ? "" : " float")];
    r.ms += p.total_ms / p.runs;
    r.macs += p.macs;
    r.integer = p.integer;
    total_ms += p.total_ms / p.runs;
    total_macs += p.macs;
  }
  const kernels::Peaks& peak = kernels::measured_peaks();
  std::cout << "\npeaks on " << kernels::isa_level_name(kernels::kernel_config().level) << ", "
            << "this run's threads: FMA " << cli::fmt(peak.fma_gmacs, 0)
            << " GMAC/s, int8 " << cli::fmt(peak.int8_gmacs, 0) << " GMAC/s (" << peak.int8_how << ")\n";
  cli::Table t({"kernel kind", "ms/batch", "time share", "GMAC/img", "MAC share", "GMAC/s", "% of peak"});
  for (auto& [kind, r] : by_kind) {
    const double rate = r.macs ? r.macs / (r.ms * 1e6) : 0, top = r.integer ? peak.int8_gmacs : peak.fma_gmacs;
    t.add({kind, cli::fmt(r.ms, 2), cli::fmt(100 * r.ms / total_ms, 1) + "%", cli::fmt(r.macs / 1e9 / batch, 3),
           total_macs ? cli::fmt(100.0 * r.macs / total_macs, 1) + "%" : "", r.macs ? cli::fmt(rate, 1) : "",
           r.macs && top > 0 ? cli::fmt(100 * rate / top, 0) + "%" : ""});
  }
  std::cout << "\nprofile by kernel kind (mean over timed runs, batch " << batch << ", "
            << cli::fmt(total_macs / 1e9 / batch, 2) << " GMAC/img)\n";
  t.print(std::cout);
}

void print_profile(const Plan& plan, int64_t batch) {
  print_kinds(plan, batch);
  std::vector<const StepProfile*> steps;
  for (const auto& p : plan.profile())
    if (p.runs) steps.push_back(&p);
  std::sort(steps.begin(), steps.end(), [](auto* a, auto* b) { return a->total_ms / a->runs > b->total_ms / b->runs; });
  cli::Table slow({"slowest nodes", "op", "kind", "isa", "ms/batch", "GMAC/s"});
  for (size_t i = 0; i < std::min<size_t>(15, steps.size()); ++i) {
    double ms = steps[i]->total_ms / steps[i]->runs;
    slow.add({steps[i]->name, op_name(steps[i]->op), steps[i]->kind, steps[i]->isa, cli::fmt(ms, 3),
              steps[i]->macs ? cli::fmt(steps[i]->macs / (ms * 1e6), 1) : ""});
  }
  std::cout << "\n";
  slow.print(std::cout);
}

// Every timed step in plan order, for comparing two builds node by node.
cli::Json profile_nodes_json(const Plan& plan) {
  cli::Json nodes = cli::Json::array();
  for (const auto& p : plan.profile()) {
    if (!p.runs) continue;
    cli::Json n = cli::Json::object();
    n.set("name", p.name)
        .set("op", op_name(p.op))
        .set("dtype", p.dtype)
        .set("kind", p.kind)
        .set("isa", p.isa);
    n.set("ms_per_batch", p.total_ms / p.runs).set("macs", p.macs);
    nodes.push(n);
  }
  return nodes;
}

}  // namespace

int run_bench(const cli::Args& a) {
  const int64_t batch = a.integer("batch", 16), iters = a.integer("iters", 10), warmup = a.integer("warmup", 2);
  const ImportOptions io = import_options(a);
  Session session(import_onnx_file(a.positional()[0], io), thread_count(a), true, io.max_bytes);
  std::mt19937 rng(1234);
  std::vector<Tensor> inputs;
  std::vector<Shape> shapes;
  for (const Value* v : session.graph().inputs) {
    inputs.push_back(random_input(*v, batch, rng));
    shapes.push_back(inputs.back().shape());
  }
  Plan& plan = session.plan_for(shapes);
  for (int64_t i = 0; i < warmup; ++i) session.run(inputs);
  plan.set_profiling(a.has("profile"));
  std::vector<double> ms;
  for (int64_t i = 0; i < iters; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    session.run(inputs);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::vector<double> sorted = ms;
  std::sort(sorted.begin(), sorted.end());
  double median = sorted.size() % 2 ? sorted[sorted.size() / 2]
                                    : 0.5 * (sorted[sorted.size() / 2 - 1] + sorted[sorted.size() / 2]);
  const double per_image = median / batch;
  std::cout << "model " << a.positional()[0] << "  batch " << batch << "  threads " << session.threads()
            << "  isa " << kernels::isa_level_name(kernels::kernel_config().level) << " ("
            << kernels::kernel_config().describe() << ")\n";
  std::cout << "median " << cli::fmt(median, 2) << " ms/batch, " << cli::fmt(per_image, 3)
            << " ms/image (min " << cli::fmt(sorted.front() / batch, 3) << ", max "
            << cli::fmt(sorted.back() / batch, 3) << ", " << iters << " runs)\n";
  if (a.has("profile")) {
    session.arena().execute([] { kernels::measured_peaks(); });  // on this run's threads
    print_profile(plan, batch);
  }
  if (a.has("json")) {
    cli::Json runs = cli::Json::array();
    for (double v : ms) runs.push(v);
    cli::Json j = cli::Json::object();
    j.set("ms_per_image", per_image).set("batch", batch).set("threads", session.threads()).set("iters", iters);
    j.set("median_ms_per_batch", median).set("runs_ms", runs).set("isa", kernels::isa_level_name(kernels::kernel_config().level))
        .set("kernels", kernels::kernel_config().describe());
    j.set("model", a.positional()[0]);
    if (a.has("profile")) j.set("nodes", profile_nodes_json(plan));
    j.save(a.str("json"));
  }
  return 0;
}

}  // namespace qcc
