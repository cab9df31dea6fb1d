#include "runtime/batch_loader.h"

#include <cstring>
#include <tbb/parallel_for.h>
#include <tbb/parallel_pipeline.h>

namespace qcc {

namespace {

// Decodes one batch; the images of a batch are spread over the arena's threads.
Batch load_batch(const std::vector<std::string>& paths, size_t first, size_t count, const Preprocess& pre) {
  const size_t plane = 3 * static_cast<size_t>(pre.crop) * pre.crop;
  std::vector<float> pixels(count * plane);
  std::vector<std::string> errors(count);
  tbb::parallel_for(size_t{0}, count, [&](size_t i) {
    errors[i] = load_image(paths[first + i], pre, pixels.data() + i * plane);
  });
  Batch b;
  for (size_t i = 0; i < count; ++i) {
    if (errors[i].empty())
      b.indices.push_back(first + i);
    else
      b.failed.push_back({first + i, errors[i]});
  }
  b.input = Tensor(DType::f32, {static_cast<int64_t>(b.indices.size()), 3, pre.crop, pre.crop});
  size_t row = 0;
  for (size_t i = 0; i < count; ++i)
    if (errors[i].empty()) std::memcpy(b.input.data<float>() + row++ * plane, pixels.data() + i * plane, plane * 4);
  return b;
}

}  // namespace

void for_each_batch(const std::vector<std::string>& paths, int batch_size, const Preprocess& pre,
                    int prefetch, const std::function<void(Batch&)>& consume,
                    const std::atomic<bool>* stop) {
  size_t next = 0;
  tbb::parallel_pipeline(
      static_cast<size_t>(std::max(prefetch, 1)) + 1,
      tbb::make_filter<void, size_t>(tbb::filter_mode::serial_in_order,
                                     [&](tbb::flow_control& fc) -> size_t {
                                       if (next >= paths.size() || (stop && *stop)) {
                                         fc.stop();
                                         return 0;
                                       }
                                       size_t first = next;
                                       next += batch_size;
                                       return first;
                                     }) &
          tbb::make_filter<size_t, Batch>(tbb::filter_mode::parallel,
                                          [&](size_t first) {
                                            size_t count = std::min<size_t>(batch_size, paths.size() - first);
                                            return load_batch(paths, first, count, pre);
                                          }) &
          tbb::make_filter<Batch, void>(tbb::filter_mode::serial_in_order, [&](Batch b) { consume(b); }));
}

}  // namespace qcc
