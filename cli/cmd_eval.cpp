// qcc eval: top-1/top-5 accuracy and speed of one or more models on an ImageNet-style folder.
//
// How it runs: the models are loaded together and each batch, decoded once, goes through every
// model in turn. What each model answered for each image is kept (a few bytes per image, so the
// memory does not grow with the folder) and counted at the end (cli/eval_results), which gives:
//   * --shard K/N: the images at positions K-1, K-1+N, K-1+2N, ... of the list. The list is the
//     same whatever N, the slices differ by at most one image, and each is a uniform sample of
//     the folder; the counts are integers, so qcc merge adds them up to exactly one run's numbers.
//   * Interruptions: Ctrl-C, kill or a scheduler's time limit end the batch in progress, and the
//     predictions of the images done are saved (also once a minute, against SIGKILL); --resume
//     reads them back and evaluates only the rest.
#include <tbb/task_arena.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <numeric>

#include "cli/commands.h"
#include "cli/eval_results.h"
#include "frontend/file_io.h"
#include "frontend/onnx_import.h"
#include "ir/printable.h"
#include "ir/stats.h"
#include "runtime/batch_loader.h"
#include "runtime/image_folder.h"
#include "runtime/session.h"

namespace qcc {

const cli::CommandSpec& eval_spec() {
  static const cli::CommandSpec s = {
      "eval",
      "MODEL.onnx [MODEL2.onnx ...] --data DIR",
      "Top-1/top-5 accuracy and inference time on an ImageNet-style folder (one sub-folder per\n"
      "class; class index = position of the folder name in sorted order). Images are decoded\n"
      "and preprocessed (resize 342, center crop 299, ImageNet mean/std) once, in parallel with\n"
      "inference, and run through every model. Speed-up and top-1 agreement are relative to the\n"
      "first model. --shard K/N evaluates one of N interleaved slices for 'qcc merge'. Ctrl-C or\n"
      "kill saves the predictions of the images done; --resume continues from them.",
      {{"data", "DIR", "the image folder (required)", ""},
       {"limit", "N", "use N images spread evenly over the folder", "all"},
       {"shard", "K/N", "evaluate only images K-1, K-1+N, K-1+2N, ... (K = 1..N) for 'qcc merge'",
        ""},
       {"batch", "N", "images per inference batch", "16", {{1, 4096}}},
       {"labels", "FILE", "line k = the folder name of model class k (first word of the line)",
        "sorted"},
       {"json",
        "FILE",
        "write the results (and the counts 'qcc merge' adds) as JSON",
        "",
        {},
        true},
       {"predictions",
        "FILE",
        "write 'INDEX TOP1... LABEL IN_TOP5...' per image, one TOP1 and IN_TOP5 per model "
        "(skipped: -1)",
        "",
        {},
        true},
       {"resume", "",
        "continue an interrupted run from its --predictions file (none yet: start from the first "
        "image)",
        ""},
       {"decode-only", "", "only decode and preprocess (measures the loader's images/s)", ""},
       threads_option(),
       max_model_bytes_option(),
       max_image_pixels_option()},
      1};
  return s;
}

namespace {

constexpr auto kCheckpointEvery = std::chrono::minutes(1);
constexpr int kMaxShards = 1 << 20;

// The images of this run and how to run them.
struct EvalSetup {
  EvalResults header;              ///< folder, classes, shard: what the results describe
  std::vector<std::string> paths;  ///< this run's images (the shard's), in list order
  std::vector<int64_t> index;      ///< position of each in the whole list
  std::vector<int> folder_class, label;
  int shard = 1, shards = 1;
  int batch = 16, threads = 0;
  ImportOptions import;
  Preprocess pre;
};

// One model of the run.
struct Evaluated {
  ModelResult result;
  std::unique_ptr<Session> session;
  bool failed = false;
};

// What each model answered for each image of the run (rows x models).
struct Answers {
  int models = 0;
  std::vector<int> top1;
  std::vector<uint8_t> in_top5, done;

  Answers(size_t rows, int m)
      : models(m), top1(rows * m, -1), in_top5(rows * m, 0), done(rows, 0) {}
  void set(size_t row, int model, int best, bool top5) {
    top1[row * models + model] = best;
    in_top5[row * models + model] = top5;
  }
};

std::string hex64(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

// "fp32", "fp16" or "int8" from what the graph computes in.
std::string precision_of(const Graph& g) {
  bool f16 = false, q8 = false;
  for (const auto& v : g.values()) {
    f16 |= v->dtype == DType::f16;
    q8 |= v->dtype == DType::s8 || v->dtype == DType::u8;
  }
  return q8 ? "int8" : f16 ? "fp16" : "fp32";
}

// --shard K/N as {K, N}; {1, 1} without it.
std::pair<int, int> parse_shard(const cli::Args& a) {
  if (!a.has("shard")) return {1, 1};
  const std::string s = a.str("shard");
  const size_t slash = s.find('/');
  int k = 0, n = 0;
  auto whole = [](const std::string& t, int& v) {
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    return !t.empty() && ec == std::errc() && end == t.data() + t.size();
  };
  if (slash == std::string::npos || !whole(s.substr(0, slash), k) ||
      !whole(s.substr(slash + 1), n) || k < 1 || k > n || n > kMaxShards)
    throw cli::UsageError("--shard expects K/N with 1 <= K <= N <= " + std::to_string(kMaxShards) +
                          ", got '" + printable(s) + "'");
  return {k, n};
}

// The model class of each folder class: its position, or the line of its name in --labels.
std::vector<int> class_labels(const cli::Args& a, const ImageFolder& f) {
  std::vector<int> labels(f.classes.size());
  std::iota(labels.begin(), labels.end(), 0);
  if (!a.has("labels")) return labels;
  std::map<std::string, int> line_of;
  int k = 0;
  for (const std::string& line : read_lines(a.str("labels"))) {
    std::string name = line.substr(0, line.find_first_of(" \t,"));
    if (!name.empty()) line_of.emplace(name, k);
    ++k;
  }
  for (size_t c = 0; c < f.classes.size(); ++c) {
    auto it = line_of.find(f.classes[c]);
    if (it == line_of.end())
      throw std::runtime_error(printable(a.str("labels")) + ": no line for class folder '" +
                               printable(f.classes[c]) + "'");
    labels[c] = it->second;
  }
  return labels;
}

// A hash of the evaluated list -- each image's path inside the folder, its class and label -- that
// tells shards of another folder, --limit or --labels apart, wherever the folder sits on a host.
std::string list_fingerprint(const std::string& dir, const std::vector<LabeledImage>& list,
                             const std::vector<int>& labels) {
  uint64_t h = kFnv1aSeed;
  for (const LabeledImage& im : list) {
    const std::string entry = std::filesystem::path(im.path).lexically_relative(dir).string() +
                              '\0' + std::to_string(im.label) + ' ' +
                              std::to_string(labels[im.label]) + '\n';
    h = fnv1a(h, reinterpret_cast<const uint8_t*>(entry.data()), entry.size());
  }
  return hex64(h);
}

// --limit N: N images spread evenly over the folder (all of them without it).
std::vector<LabeledImage> limited(const cli::Args& a, const std::vector<LabeledImage>& all) {
  if (!a.has("limit")) return all;
  const int64_t limit = a.integer("limit", 0);
  if (limit < 1) throw cli::UsageError("--limit must be >= 1");
  const size_t n = std::min<size_t>(limit, all.size());
  std::vector<LabeledImage> picked;
  for (size_t i = 0; i < n; ++i) picked.push_back(all[i * all.size() / n]);
  return picked;
}

// The images to evaluate (labelled, limited, sharded) and how.
EvalSetup setup_from(const cli::Args& a) {
  if (!a.has("data")) throw cli::UsageError("--data DIR is required");
  if (a.has("resume") && !a.has("predictions"))
    throw cli::UsageError("--resume needs --predictions FILE (the file the interrupted run wrote)");
  EvalSetup s;
  std::tie(s.shard, s.shards) = parse_shard(a);
  s.batch = static_cast<int>(a.integer("batch", 16));
  s.threads = thread_count(a);
  s.import = import_options(a);
  s.pre = preprocess_options(a);
  const std::string dir = a.str("data");
  ImageFolder folder = read_image_folder(dir);
  for (const auto& c : folder.empty_classes)
    std::cerr << "warning: class folder '" << printable(c) << "' has no images\n";
  const std::vector<int> labels = class_labels(a, folder);
  const std::vector<LabeledImage> list = limited(a, folder.images);
  if (list.empty()) throw std::runtime_error(printable(dir) + ": no images");
  if (static_cast<size_t>(s.shards) > list.size())
    throw cli::UsageError("--shard " + a.str("shard") + ": more shards than the " +
                          std::to_string(list.size()) + " images");
  for (size_t i = static_cast<size_t>(s.shard - 1); i < list.size(); i += s.shards) {
    s.paths.push_back(list[i].path);
    s.index.push_back(static_cast<int64_t>(i));
    s.folder_class.push_back(list[i].label);
    s.label.push_back(labels[list[i].label]);
  }
  EvalResults& h = s.header;
  h.folder = dir;
  h.folder_fingerprint = list_fingerprint(dir, list, labels);
  h.images_total = static_cast<int64_t>(list.size());
  h.classes = folder.classes;
  if (a.has("shard")) std::tie(h.shard, h.shards) = std::pair(s.shard, s.shards);
  h.batch = s.batch;
  std::cout << dir << ": " << list.size() << " images, " << folder.classes.size() << " classes";
  if (a.has("shard"))
    std::cout << "; shard " << s.shard << "/" << s.shards << ": " << s.paths.size() << " images";
  std::cout << "\n";
  return s;
}

// Loads every model; one that fails is recorded in `errors` and left out.
std::vector<Evaluated> load_models(const cli::Args& a, const EvalSetup& s,
                                   std::vector<std::string>& errors) {
  std::vector<Evaluated> models;
  for (const std::string& path : a.positional()) {
    try {
      Evaluated m;
      Graph g = import_onnx_file(path, s.import);
      m.result.model = path;
      m.result.size_bytes = static_cast<int64_t>(std::filesystem::file_size(path));
      m.result.precision = precision_of(g);
      m.result.fingerprint = hex64(graph_fingerprint(g));
      m.session = std::make_unique<Session>(std::move(g), s.threads, true, s.import.max_bytes);
      models.push_back(std::move(m));
    } catch (const std::exception& e) {
      errors.push_back(e.what());
      std::cerr << "qcc eval: " << printable(e.what(), 2000) << "\n";
    }
  }
  return models;
}

// Row of image `index` in this run, or -1 when the image is not one of its images.
int64_t row_of(const EvalSetup& s, int64_t index) {
  if (index < 0 || index >= s.header.images_total || index % s.shards != s.shard - 1) return -1;
  return index / s.shards;
}

// Takes the answers an interrupted run saved; returns how many images they cover.
int64_t resume_from(const std::string& path, const EvalSetup& s, Answers& ans) {
  const Predictions p = load_predictions(path, ans.models);
  for (size_t i = 0; i < p.lines(); ++i) {
    const int64_t row = row_of(s, p.index[i]);
    const std::string where = printable(path) + ": image " + std::to_string(p.index[i]);
    if (row < 0)
      throw std::runtime_error(where +
                               " is not one of this run's images (another --limit or --shard?)");
    if (p.label[i] != s.label[row])
      throw std::runtime_error(where + " has label " + std::to_string(p.label[i]) +
                               ", the folder says " + std::to_string(s.label[row]) +
                               " (another folder or --labels?)");
    for (int m = 0; m < ans.models; ++m) ans.set(row, m, p.top1_of(i, m), p.top5_of(i, m));
    ans.done[row] = 1;
  }
  return static_cast<int64_t>(p.lines());
}

// Runs one model on a batch and records its answers for the batch's rows.
void infer(Evaluated& m, int column, const Batch& b, const std::vector<size_t>& rows,
           const EvalSetup& s, Answers& ans) {
  m.session->plan_for({b.input.shape()});  // compile (pack weights) outside the timing
  const auto t0 = std::chrono::steady_clock::now();
  const std::vector<Tensor> out = m.session->run({b.input});
  m.result.inference_seconds +=
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  m.result.timed_images += static_cast<int64_t>(b.indices.size());
  const Tensor& logits = class_scores(out, b.input.shape()[0]);
  const int64_t classes = logits.shape()[1], top = std::min<int64_t>(5, classes);
  std::vector<int> order(classes);
  for (size_t r = 0; r < b.indices.size(); ++r) {
    const float* l = logits.data<float>() + r * classes;
    std::iota(order.begin(), order.end(), 0);
    std::partial_sort(order.begin(), order.begin() + top, order.end(),
                      [&](int x, int y) { return l[x] > l[y]; });
    const size_t row = rows[b.indices[r]];
    ans.set(row, column, order[0],
            std::find(order.begin(), order.begin() + top, s.label[row]) != order.begin() + top);
  }
}

// Runs every model that has not failed on a batch and marks its rows done. A model that fails is
// recorded in `errors` and left out from then on.
void infer_all(std::vector<Evaluated>& models, const Batch& b, const std::vector<size_t>& rows,
               const EvalSetup& s, Answers& ans, std::vector<std::string>& errors) {
  for (size_t m = 0; m < models.size() && !b.indices.empty(); ++m) {
    if (models[m].failed) continue;
    try {
      infer(models[m], static_cast<int>(m), b, rows, s, ans);
    } catch (const std::exception& e) {
      models[m].failed = true;
      errors.push_back(e.what());
      std::cerr << "\nqcc eval: " << printable(e.what(), 2000) << "\n";
    }
  }
  for (size_t i : b.indices) ans.done[rows[i]] = 1;
  for (const auto& f : b.failed) ans.done[rows[f.first]] = 1;
}

// The answers of the images done, for the models that did not fail, as a predictions table.
Predictions answered(const EvalSetup& s, const Answers& ans, const std::vector<Evaluated>& models,
                     std::vector<int>* line_class = nullptr) {
  Predictions p;
  std::vector<int> columns;
  for (size_t m = 0; m < models.size(); ++m)
    if (!models[m].failed) columns.push_back(static_cast<int>(m));
  p.models = static_cast<int>(columns.size());
  std::vector<int> top1(columns.size());
  std::vector<uint8_t> top5(columns.size());
  for (size_t row = 0; row < ans.done.size(); ++row) {
    if (!ans.done[row]) continue;
    for (size_t c = 0; c < columns.size(); ++c) {
      top1[c] = ans.top1[row * ans.models + columns[c]];
      top5[c] = ans.in_top5[row * ans.models + columns[c]];
    }
    p.add(s.index[row], s.label[row], top1.data(), top5.data());
    if (line_class) line_class->push_back(s.folder_class[row]);
  }
  return p;
}

// Evaluates the images not done yet, batch by batch, until all are done or a stop is requested
// (a signal, or every model failed). Returns the wall time.
double run_models(const EvalSetup& s, std::vector<Evaluated>& models, Answers& ans,
                  const cli::Args& a, cli::StopOnSignal& stop, std::vector<std::string>& errors) {
  std::vector<size_t> rows;  // the rows still to do; batch indices point into it
  std::vector<std::string> paths;
  for (size_t row = 0; row < ans.done.size(); ++row)
    if (!ans.done[row]) {
      rows.push_back(row);
      paths.push_back(s.paths[row]);
    }
  cli::Progress progress("eval", static_cast<int64_t>(rows.size()), "img", true);
  const auto t0 = std::chrono::steady_clock::now();
  auto checkpoint = t0;
  models[0].session->arena().execute([&] {
    for_each_batch(
        paths, s.batch, s.pre, 2,
        [&](Batch& b) {
          if (stop.stop()) return;  // batches loaded before the stop are left for --resume
          for (auto& [i, why] : b.failed)
            std::cerr << "\nskipped " << printable(paths[i]) << ": " << why << "\n";
          infer_all(models, b, rows, s, ans, errors);
          progress.advance(static_cast<int64_t>(b.indices.size() + b.failed.size()));
          if (std::all_of(models.begin(), models.end(),
                          [](const Evaluated& m) { return m.failed; }))
            stop.request_stop();
          if (a.has("predictions") &&
              std::chrono::steady_clock::now() - checkpoint > kCheckpointEvery) {
            save_predictions(a.str("predictions"), answered(s, ans, models));
            checkpoint = std::chrono::steady_clock::now();
          }
        },
        &stop.stop());
  });
  progress.finish();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Decodes and preprocesses every image without inference: the loader's own throughput.
void decode_only(const EvalSetup& setup) {
  tbb::task_arena arena(checked_threads(setup.threads));
  int64_t done = 0, failed = 0;
  cli::Progress progress("decode", static_cast<int64_t>(setup.paths.size()), "img");
  auto t0 = std::chrono::steady_clock::now();
  arena.execute([&] {
    for_each_batch(setup.paths, setup.batch, setup.pre, 2, [&](Batch& b) {
      done += static_cast<int64_t>(b.indices.size());
      failed += static_cast<int64_t>(b.failed.size());
      progress.advance(static_cast<int64_t>(b.indices.size() + b.failed.size()));
    });
  });
  progress.finish();
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << "decoded " << done << " images (" << failed << " unreadable) in " << cli::fmt(s, 2)
            << " s: " << cli::fmt(done / s, 1) << " images/s on " << arena.max_concurrency()
            << " threads\n";
}

// What the user can do about an interruption.
std::string resume_hint(const cli::Args& a) {
  if (!a.has("predictions")) return "without --predictions there is nothing to resume from";
  return "the predictions of the images done are in " + printable(a.str("predictions")) +
         ": add --resume to the same command to finish";
}

// Counts the answers (an interrupted run: those of the images done) into the results.
EvalResults count_answers(const EvalSetup& s, const std::vector<Evaluated>& models,
                          const Answers& ans, std::vector<std::string> errors, double wall,
                          bool complete, int64_t resumed) {
  EvalResults r = s.header;
  r.complete = complete;
  r.resumed_images = resumed;
  r.wall_seconds = wall;
  r.errors = std::move(errors);
  double inference = 0;
  for (const Evaluated& m : models) inference += m.result.inference_seconds;
  for (const Evaluated& m : models)
    if (!m.failed) r.results.push_back(m.result);
  for (ModelResult& m : r.results)
    m.seconds = m.inference_seconds + (wall - inference) / r.results.size();
  std::vector<int> line_class;
  tally(answered(s, ans, models, &line_class), line_class, r);
  if (complete)
    for (const ModelResult& m : r.results)
      if (m.images == 0) r.errors.push_back(printable(m.model) + ": no image could be evaluated");
  return r;
}

// The table, the JSON and the predictions.
void report(const EvalSetup& s, const std::vector<Evaluated>& models, const Answers& ans,
            EvalResults& r, const cli::Args& a) {
  if (!r.results.empty()) print_eval_table(std::cout, r);
  if (a.has("predictions")) save_predictions(a.str("predictions"), answered(s, ans, models));
  if (a.has("json")) {
    if (a.has("predictions")) r.predictions = relative_to_json(a.str("predictions"), a.str("json"));
    eval_json(r).save(a.str("json"));
  }
}

}  // namespace

int run_eval(const cli::Args& a) {
  const EvalSetup setup = setup_from(a);
  if (a.has("decode-only")) {
    decode_only(setup);
    return 0;
  }
  // A model that fails does not throw away the others' results: they are reported, then the
  // command fails.
  std::vector<std::string> errors;
  std::vector<Evaluated> models = load_models(a, setup, errors);
  Answers ans(setup.paths.size(), static_cast<int>(models.size()));
  // A missing file is a run not started yet, so a job script can always pass --resume.
  const bool resuming = a.has("resume") && std::filesystem::exists(a.str("predictions"));
  const int64_t resumed = resuming ? resume_from(a.str("predictions"), setup, ans) : 0;
  if (a.has("resume"))
    std::cout << "resuming: " << resumed << " images done in " << a.str("predictions") << "\n";
  cli::StopOnSignal stop;
  const double wall = models.empty() ? 0 : run_models(setup, models, ans, a, stop, errors);
  const int64_t done = std::count(ans.done.begin(), ans.done.end(), 1),
                total = static_cast<int64_t>(ans.done.size());
  EvalResults r = count_answers(setup, models, ans, errors, wall, done == total, resumed);
  report(setup, models, ans, r, a);
  if (stop.signal() && done < total)
    throw cli::Interrupted(stop.signal(), "after " + std::to_string(done) + " of " +
                                              std::to_string(total) + " images; " + resume_hint(a));
  if (!r.errors.empty())
    throw std::runtime_error(r.errors.size() == 1 ? r.errors[0]
                                                  : std::to_string(r.errors.size()) +
                                                        " models failed; first: " + r.errors[0]);
  return 0;
}

}  // namespace qcc
