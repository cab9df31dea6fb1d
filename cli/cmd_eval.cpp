// qcc eval: top-1/top-5 accuracy and speed of one or more models on an ImageNet-style folder.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <numeric>
#include <tbb/task_arena.h>

#include "frontend/file_io.h"
#include "frontend/onnx_import.h"
#include "ir/printable.h"
#include "runtime/batch_loader.h"
#include "runtime/image_folder.h"
#include "runtime/session.h"
#include "cli/commands.h"

namespace qcc {

const cli::CommandSpec& eval_spec() {
  static const cli::CommandSpec s = {
      "eval", "MODEL.onnx [MODEL2.onnx ...] --data DIR",
      "Top-1/top-5 accuracy and inference time on an ImageNet-style folder (one sub-folder per\n"
      "class; class index = position of the folder name in sorted order). Images are decoded\n"
      "and preprocessed (resize 342, center crop 299, ImageNet mean/std) in parallel with\n"
      "inference. Speed-up and top-1 agreement are relative to the first model.",
      {{"data", "DIR", "the image folder (required)", ""},
       {"limit", "N", "use N images spread evenly over the folder", "all"},
       {"batch", "N", "images per inference batch", "16", {{1, 4096}}},
       {"labels", "FILE", "line k = the folder name of model class k (first word of the line)", "sorted"},
       {"json", "FILE", "write the results as JSON", "", {}, true},
       {"predictions", "FILE", "write 'index top1-of-each-model' per image (skipped: -1)", "", {}, true},
       {"decode-only", "", "only decode and preprocess (measures the loader's images/s)", ""},
       threads_option(),
       max_model_bytes_option(),
       max_image_pixels_option()},
      1};
  return s;
}

namespace {

struct EvalSetup {
  std::vector<LabeledImage> images;
  int batch = 16, threads = 0;
  ImportOptions import;
  Preprocess pre;
};

struct ModelResult {
  std::string model, precision;
  int64_t size_bytes = 0, images = 0, skipped = 0, top1 = 0, top5 = 0;
  double seconds = 0, infer_ms = 0;
  std::vector<int> predictions;  ///< top-1 class per image index, -1 if skipped
};

// "fp32", "fp16" or "int8" from what the graph computes in.
std::string precision_of(const Graph& g) {
  bool f16 = false, q8 = false;
  for (const auto& v : g.values()) {
    f16 |= v->dtype == DType::f16;
    q8 |= v->dtype == DType::s8 || v->dtype == DType::u8;
  }
  return q8 ? "int8" : f16 ? "fp16" : "fp32";
}

ModelResult evaluate(const std::string& path, const EvalSetup& setup) {
  const std::vector<LabeledImage>& images = setup.images;
  ModelResult r;
  r.model = path;
  Graph g = import_onnx_file(path, setup.import);
  r.size_bytes = static_cast<int64_t>(std::filesystem::file_size(path));
  r.precision = precision_of(g);
  Session session(std::move(g), setup.threads, true, setup.import.max_bytes);
  r.predictions.assign(images.size(), -1);
  std::vector<std::string> paths;
  for (const auto& im : images) paths.push_back(im.path);
  cli::Progress progress(std::filesystem::path(path).filename().string(), static_cast<int64_t>(images.size()), "img");
  auto t0 = std::chrono::steady_clock::now();
  session.arena().execute([&] {
    for_each_batch(paths, setup.batch, setup.pre, 2, [&](Batch& b) {
      for (auto& [i, why] : b.failed) std::cerr << "\nskipped " << printable(paths[i]) << ": " << why << "\n";
      r.skipped += static_cast<int64_t>(b.failed.size());
      if (!b.indices.empty()) {
        session.plan_for({b.input.shape()});  // compile (pack weights) outside the timing
        auto s0 = std::chrono::steady_clock::now();
        std::vector<Tensor> out = session.run({b.input});
        r.infer_ms += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - s0).count();
        const Tensor& logits = class_scores(out, b.input.shape()[0]);
        const int64_t classes = logits.shape()[1];
        for (size_t row = 0; row < b.indices.size(); ++row) {
          const float* l = logits.data<float>() + row * classes;
          std::vector<int> order(classes);
          std::iota(order.begin(), order.end(), 0);
          std::partial_sort(order.begin(), order.begin() + std::min<int64_t>(5, classes), order.end(),
                            [&](int a, int c) { return l[a] > l[c]; });
          int label = images[b.indices[row]].label;
          r.predictions[b.indices[row]] = order[0];
          r.top1 += order[0] == label;
          r.top5 += std::find(order.begin(), order.begin() + std::min<int64_t>(5, classes), label) !=
                    order.begin() + std::min<int64_t>(5, classes);
          ++r.images;
        }
      }
      progress.advance(static_cast<int64_t>(b.indices.size() + b.failed.size()));
    });
  });
  progress.finish();
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

double agreement(const ModelResult& a, const ModelResult& b) {
  int64_t both = 0, same = 0;
  for (size_t i = 0; i < a.predictions.size(); ++i) {
    if (a.predictions[i] < 0 || b.predictions[i] < 0) continue;
    ++both;
    same += a.predictions[i] == b.predictions[i];
  }
  return both ? static_cast<double>(same) / both : 0;
}

// Re-labels images when a labels file says which folder is which model class.
void apply_labels_file(const std::string& path, ImageFolder& f) {
  std::map<std::string, int> index;
  int k = 0;
  for (const std::string& line : read_lines(path)) {
    std::string name = line.substr(0, line.find_first_of(" \t,"));
    if (!name.empty()) index.emplace(name, k);
    ++k;
  }
  for (auto& im : f.images) {
    const std::string& folder = f.classes[im.label];
    auto it = index.find(folder);
    if (it == index.end())
      throw std::runtime_error(printable(path) + ": no line for class folder '" + printable(folder) + "'");
    im.label = it->second;
  }
}

// Decodes and preprocesses every image without inference: the loader's own throughput.
void decode_only(const EvalSetup& setup) {
  std::vector<std::string> paths;
  for (const auto& im : setup.images) paths.push_back(im.path);
  tbb::task_arena arena(checked_threads(setup.threads));
  int64_t done = 0, failed = 0;
  cli::Progress progress("decode", static_cast<int64_t>(paths.size()), "img");
  auto t0 = std::chrono::steady_clock::now();
  arena.execute([&] {
    for_each_batch(paths, setup.batch, setup.pre, 2, [&](Batch& b) {
      done += static_cast<int64_t>(b.indices.size());
      failed += static_cast<int64_t>(b.failed.size());
      progress.advance(static_cast<int64_t>(b.indices.size() + b.failed.size()));
    });
  });
  progress.finish();
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << "decoded " << done << " images (" << failed << " unreadable) in " << cli::fmt(s, 2) << " s: "
            << cli::fmt(done / s, 1) << " images/s on " << arena.max_concurrency() << " threads\n";
}

void write_predictions(const std::string& path, const std::vector<ModelResult>& results) {
  write_file(path, [&](std::ostream& f) {
    for (size_t i = 0; i < results[0].predictions.size(); ++i) {
      f << i;
      for (const auto& r : results) f << ' ' << r.predictions[i];
      f << '\n';
    }
  });
}

// The images to evaluate (labelled, limited) and how.
EvalSetup setup_from(const cli::Args& a) {
  if (!a.has("data")) throw cli::UsageError("--data DIR is required");
  EvalSetup setup;
  setup.batch = static_cast<int>(a.integer("batch", 16));
  setup.threads = thread_count(a);
  setup.import = import_options(a);
  setup.pre = preprocess_options(a);
  ImageFolder folder = read_image_folder(a.str("data"));
  for (const auto& c : folder.empty_classes)
    std::cerr << "warning: class folder '" << printable(c) << "' has no images\n";
  if (a.has("labels")) apply_labels_file(a.str("labels"), folder);
  std::vector<LabeledImage>& images = setup.images = folder.images;
  if (a.has("limit")) {
    int64_t limit = a.integer("limit", 0);
    if (limit < 1) throw cli::UsageError("--limit must be >= 1");
    std::vector<LabeledImage> picked;
    for (int64_t i = 0; i < std::min<int64_t>(limit, images.size()); ++i)
      picked.push_back(images[i * images.size() / std::min<int64_t>(limit, images.size())]);
    images = picked;
  }
  if (images.empty()) throw std::runtime_error(printable(a.str("data")) + ": no images");
  std::cout << a.str("data") << ": " << images.size() << " images, " << folder.classes.size() << " classes\n";
  return setup;
}

// The table, the JSON and the predictions of the models that finished.
void report(const std::vector<ModelResult>& results, const std::vector<std::string>& errors, const cli::Args& a) {
  cli::Table t({"model", "precision", "size MB", "top-1 %", "top-5 %", "total s", "ms/img", "speed-up", "agree top-1 %"});
  cli::Json jr = cli::Json::array();
  const double base_ms = results[0].images ? results[0].infer_ms / results[0].images : 0;
  for (size_t i = 0; i < results.size(); ++i) {
    const ModelResult& r = results[i];
    double n = std::max<int64_t>(r.images, 1), ms = r.infer_ms / n;
    double agree = i ? agreement(results[0], r) : 1.0;
    t.add({std::filesystem::path(r.model).filename().string(), r.precision, cli::fmt(r.size_bytes / 1e6, 1),
           cli::fmt(100.0 * r.top1 / n, 2), cli::fmt(100.0 * r.top5 / n, 2), cli::fmt(r.seconds, 1),
           cli::fmt(ms, 2), cli::fmt(ms > 0 ? base_ms / ms : 0, 2) + "x", i ? cli::fmt(100 * agree, 2) : "-"});
    cli::Json j = cli::Json::object();
    j.set("model", r.model).set("precision", r.precision).set("size_bytes", r.size_bytes);
    j.set("top1", r.top1 / n).set("top5", r.top5 / n).set("images", r.images).set("skipped", r.skipped);
    j.set("seconds", r.seconds).set("ms_per_image", ms);
    j.set("agreement_top1", i ? cli::Json(agree) : cli::Json::null());
    jr.push(j);
  }
  std::cout << "\n";
  t.print(std::cout);
  std::cout << "(ms/img: inference only, batch " << a.integer("batch", 16)
            << "; total s: wall time including decoding)\n";
  for (const auto& r : results)
    if (r.skipped) std::cout << r.model << ": " << r.skipped << " unreadable image(s) skipped (listed above)\n";
  cli::Json je = cli::Json::array();
  for (const auto& e : errors) je.push(e);
  if (a.has("json")) cli::Json::object().set("results", jr).set("errors", je).save(a.str("json"));
  if (a.has("predictions")) write_predictions(a.str("predictions"), results);
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
  std::vector<ModelResult> results;
  std::vector<std::string> errors;
  for (const auto& m : a.positional()) {
    try {
      results.push_back(evaluate(m, setup));
      if (results.back().images == 0) errors.push_back(printable(m) + ": no image could be evaluated");
    } catch (const std::exception& e) {
      errors.push_back(e.what());
      std::cerr << "qcc eval: " << printable(e.what(), 2000) << "\n";
    }
  }
  if (!results.empty()) report(results, errors, a);
  if (!errors.empty())
    throw std::runtime_error(errors.size() == 1 ? errors[0]
                                                : std::to_string(errors.size()) + " models failed; first: " + errors[0]);
  return 0;
}

}  // namespace qcc
