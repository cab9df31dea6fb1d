// What qcc eval counted, as integers that add up exactly across shards (so a merge gives the very
// numbers one run gives), plus times; the JSON that carries them (eval and merge write it, merge
// reads it back) and the table both print.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "cli/json.h"
#include "cli/predictions.h"

namespace qcc {

struct ModelResult {
  std::string model, precision;
  std::string fingerprint;  ///< graph_fingerprint() of the imported model, 16 hex digits
  int64_t size_bytes = 0;
  int64_t images = 0, skipped = 0, top1 = 0, top5 = 0;
  int64_t agree_top1 = 0, agree_images = 0;  ///< same top-1 as the first model / images both read
  int64_t timed_images = 0;                  ///< images inferred by this run (not resumed ones)
  double inference_seconds = 0;
  double seconds = 0;  ///< wall time: the model's inference plus its share of decoding and waiting
  std::vector<int64_t> class_top1, class_top5;  ///< per folder class
};

struct EvalResults {
  std::string folder, folder_fingerprint;
  int64_t images_total = 0;  ///< images in the evaluated list (before --shard)
  std::vector<std::string> classes;
  std::vector<int64_t> class_images;  ///< images read per folder class
  int shard = 0, shards = 0;          ///< --shard K/N (0/0: the whole list)
  int merged_shards = 0;              ///< how many shard results qcc merge combined
  bool complete = true;               ///< false: interrupted, the counts cover what was done
  int64_t resumed_images = 0;         ///< images taken from the predictions file of an earlier run
  std::string predictions;            ///< the predictions file, relative to the JSON's folder
  int batch = 0;
  double wall_seconds = 0;
  std::vector<ModelResult> results;  ///< the models that finished
  std::vector<std::string> errors;   ///< "model that failed: why"
};

/// Counts each model of `r.results` over the lines of `p` (model m is column m): images read,
/// skipped, top-1/top-5 hits, agreement with the first model, and -- when `line_class` gives each
/// line's folder class -- the per-class counts and r.class_images.
void tally(const Predictions& p, const std::vector<int>& line_class, EvalResults& r);

/// Adds `b`'s counts and times to `a` (results of the same models on the same classes).
void accumulate(EvalResults& a, const EvalResults& b);

/// `file` relative to the folder of `json`: how the JSON names its predictions file, so that the
/// pair can be copied together anywhere (from a cluster's hosts, say).
std::string relative_to_json(const std::string& file, const std::string& json);
/// The file a JSON names that way.
std::string resolve_from_json(const std::string& relative, const std::string& json);

cli::Json eval_json(const EvalResults& r);
/// Reads what eval_json wrote; throws naming `file` and the member that is missing or mistyped.
EvalResults parse_eval_json(const cli::Json& j, const std::string& file);

/// The table of accuracy, size and speed (speed-up and agreement against the first model).
void print_eval_table(std::ostream& os, const EvalResults& r);

}  // namespace qcc
