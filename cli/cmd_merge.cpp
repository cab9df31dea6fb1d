// qcc merge: the results of the shards of one evaluation ('qcc eval --shard K/N', K = 1..N, run
// anywhere) combined into what one run over the whole list gives. The shards' counts are integers
// (cli/eval_results.h), so the sums -- and the top-1/top-5/agreement fractions made from them --
// are exactly one run's; times are summed. Every shard must be there once, finished without
// errors, from the same image list and the same models.
#include <algorithm>
#include <iostream>
#include <map>

#include "cli/commands.h"
#include "cli/eval_results.h"
#include "ir/printable.h"

namespace qcc {

const cli::CommandSpec& merge_spec() {
  static const cli::CommandSpec s = {
      "merge",
      "SHARD.json...",
      "Combine the results of 'qcc eval --shard K/N' runs into those of one run. Every K of 1..N\n"
      "must be given once; the merged JSON has the counts, top-1, top-5 and agreement that one\n"
      "run over the whole image list gives, and the times summed. With --predictions, the\n"
      "shards' predictions files (named in their JSON, relative to it) are combined into the\n"
      "file one run writes. A missing, failed, interrupted or duplicate shard, or shards of\n"
      "other images or models, are errors naming the file.",
      {{"json", "FILE", "write the merged results as JSON", "", {}, true},
       {"predictions", "FILE", "write the merged predictions file", "", {}, true}},
      1};
  return s;
}

namespace {

struct Shard {
  std::string file;
  EvalResults r;
};

std::string shard_name(const EvalResults& r) {
  return std::to_string(r.shard) + "/" + std::to_string(r.shards);
}

Shard load_shard(const std::string& file) {
  Shard s{file, parse_eval_json(cli::Json::load(file), file)};
  const std::string f = printable(file);
  if (!s.r.shards)
    throw std::runtime_error(f + ": not a shard (made by qcc eval without --shard K/N)");
  if (!s.r.errors.empty())
    throw std::runtime_error(f + ": shard " + shard_name(s.r) + " failed: " + s.r.errors[0]);
  if (!s.r.complete)
    throw std::runtime_error(f + ": shard " + shard_name(s.r) +
                             " was interrupted before the end (rerun it with --resume)");
  return s;
}

// Throws unless `s` is another shard of the evaluation `first` belongs to.
void check_same_evaluation(const Shard& first, const Shard& s) {
  const std::string f = printable(s.file), other = printable(first.file);
  if (s.r.shards != first.r.shards)
    throw std::runtime_error(f + ": shard " + shard_name(s.r) + ", but " + other + " is shard " +
                             shard_name(first.r));
  if (s.r.folder_fingerprint != first.r.folder_fingerprint ||
      s.r.images_total != first.r.images_total || s.r.classes != first.r.classes)
    throw std::runtime_error(f + ": another image list than " + other +
                             " (a different folder, --limit or --labels)");
  bool same_models = s.r.results.size() == first.r.results.size();
  for (size_t m = 0; same_models && m < s.r.results.size(); ++m)
    same_models = s.r.results[m].fingerprint == first.r.results[m].fingerprint;
  if (!same_models) throw std::runtime_error(f + ": other models than " + other);
}

// The shards in K order, each there once.
std::vector<Shard> load_shards(const std::vector<std::string>& files) {
  std::map<int, Shard> by_k;
  for (const std::string& file : files) {
    Shard s = load_shard(file);
    if (!by_k.empty()) check_same_evaluation(by_k.begin()->second, s);
    auto [it, added] = by_k.emplace(s.r.shard, s);
    if (!added)
      throw std::runtime_error(printable(file) + ": shard " + shard_name(s.r) + " again (also " +
                               printable(it->second.file) + ")");
  }
  const int n = by_k.begin()->second.r.shards;
  std::string missing;
  int count = 0;
  for (int k = 1; k <= n; ++k)
    if (!by_k.count(k))
      missing += (count++ ? ", " : "") + std::to_string(k) + "/" + std::to_string(n);
  if (count)
    throw std::runtime_error("missing shard" + std::string(count > 1 ? "s " : " ") + missing +
                             " (got " + std::to_string(by_k.size()) + " of " + std::to_string(n) +
                             ")");
  std::vector<Shard> shards;
  for (auto& [k, s] : by_k) shards.push_back(std::move(s));
  return shards;
}

// A shard's predictions, checked against its JSON: every image of the shard, the same counts.
Predictions shard_predictions(const Shard& s) {
  const std::string f = printable(s.file);
  if (s.r.predictions.empty())
    throw std::runtime_error(f + ": shard " + shard_name(s.r) +
                             " has no predictions file (eval ran without --predictions)");
  const std::string path = resolve_from_json(s.r.predictions, s.file);
  const Predictions p = load_predictions(path, static_cast<int>(s.r.results.size()));
  const int64_t expected = (s.r.images_total - s.r.shard + s.r.shards) / s.r.shards;
  bool ok = static_cast<int64_t>(p.lines()) == expected;
  for (size_t i = 0; ok && i < p.lines(); ++i)
    ok = p.index[i] == (s.r.shard - 1) + static_cast<int64_t>(i) * s.r.shards;
  if (!ok)
    throw std::runtime_error(printable(path) + ": not the " + std::to_string(expected) +
                             " images of shard " + shard_name(s.r) + " (" +
                             std::to_string(p.lines()) + " lines)");
  EvalResults recount = s.r;
  tally(p, {}, recount);
  for (size_t m = 0; m < recount.results.size(); ++m) {
    const ModelResult &a = recount.results[m], &b = s.r.results[m];
    if (a.images != b.images || a.skipped != b.skipped || a.top1 != b.top1 || a.top5 != b.top5 ||
        a.agree_top1 != b.agree_top1)
      throw std::runtime_error(printable(path) + ": does not give the counts of " + f + " (model " +
                               printable(b.model) + ")");
  }
  return p;
}

// Line i of the merged file is line i / N of shard i % N + 1: the shards interleave.
void merge_predictions(const std::vector<Shard>& shards, const std::string& out) {
  std::vector<Predictions> parts;
  for (const Shard& s : shards) parts.push_back(shard_predictions(s));
  Predictions merged;
  merged.models = parts[0].models;
  const size_t n = shards.size();
  for (int64_t i = 0; i < shards[0].r.images_total; ++i) {
    const Predictions& p = parts[i % n];
    const size_t line = i / n;
    merged.add(p.index[line], p.label[line], &p.top1[line * p.models], &p.in_top5[line * p.models]);
  }
  save_predictions(out, merged);
}

}  // namespace

int run_merge(const cli::Args& a) {
  const std::vector<Shard> shards = load_shards(a.positional());
  EvalResults r = shards[0].r;
  for (size_t i = 1; i < shards.size(); ++i) accumulate(r, shards[i].r);
  r.shard = r.shards = 0;
  r.merged_shards = static_cast<int>(shards.size());
  r.predictions.clear();
  std::cout << "merged " << shards.size() << " shards: " << r.images_total << " images\n";
  print_eval_table(std::cout, r);
  if (a.has("predictions")) {
    merge_predictions(shards, a.str("predictions"));
    if (a.has("json")) r.predictions = relative_to_json(a.str("predictions"), a.str("json"));
  }
  if (a.has("json")) eval_json(r).save(a.str("json"));
  return 0;
}

}  // namespace qcc
