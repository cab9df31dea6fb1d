// Feeds images to a model in batches: decoding and preprocessing run in parallel (a oneTBB
// pipeline) while the previous batch is inferred, so the loader does not starve the kernels.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "ir/tensor.h"
#include "runtime/image.h"

namespace qcc {

struct Batch {
  Tensor input;                    ///< [n, 3, crop, crop] of the images that decoded
  std::vector<size_t> indices;     ///< position in the path list of each row
  std::vector<std::pair<size_t, std::string>> failed;  ///< undecodable paths and why
};

/// Calls `consume` for every batch, in order, on one thread at a time. Loading of up to
/// `prefetch` batches overlaps with consume(). Runs on the calling thread's task arena. Once
/// `*stop` is true no further batch starts loading (batches already loading are still consumed).
void for_each_batch(const std::vector<std::string>& paths, int batch_size, const Preprocess& pre,
                    int prefetch, const std::function<void(Batch&)>& consume,
                    const std::atomic<bool>* stop = nullptr);

}  // namespace qcc
