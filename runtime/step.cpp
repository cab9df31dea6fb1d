#include "runtime/step.h"

#include <stdexcept>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>
#include <tbb/task_arena.h>

#include "ir/shape_inference.h"
#include "runtime/memory_plan.h"

namespace qcc {

uint8_t* ExecContext::thread_scratch() const {
  int i = tbb::this_task_arena::current_thread_index();
  return (*scratch)[i < 0 ? 0 : i].data();
}

kernels::ElemType elem_type(DType t) {
  switch (t) {
    case DType::f32: return kernels::ElemType::f32;
    case DType::f16: return kernels::ElemType::f16;
    case DType::s8: return kernels::ElemType::s8;
    case DType::u8:
    case DType::boolean: return kernels::ElemType::u8;
    case DType::s32: return kernels::ElemType::s32;
    case DType::s64: return kernels::ElemType::s64;
  }
  return kernels::ElemType::f32;
}

void parallel_for_tasks(int64_t count, const std::function<void(int64_t, int64_t)>& fn) {
  if (count <= 1) {
    if (count == 1) fn(0, 1);
    return;
  }
  tbb::parallel_for(
      tbb::blocked_range<int64_t>(0, count, 1),
      [&](const tbb::blocked_range<int64_t>& r) { fn(r.begin(), r.end()); },
      tbb::static_partitioner());
}

RowChunks::RowChunks(int64_t rows, int64_t unit, int64_t max_rows, int64_t threads)
    : rows_(rows), unit_(std::max<int64_t>(unit, 1)) {
  units_ = (rows_ + unit_ - 1) / unit_;
  const int64_t max_units = std::max<int64_t>(max_rows / unit_, 1);
  const int64_t t = std::max<int64_t>(threads, 1);
  count_ = (units_ + max_units - 1) / max_units;
  count_ = std::min(units_, (count_ + t - 1) / t * t);
}

bool step_writes_strided(const Node& n) {
  if (op_has(n.op, kStridedOut)) return n.nhwc();
  if (n.op != Op::Concat) return false;
  const int64_t axis = n.attrs.i("axis"), rank = n.out(0)->rank();
  return axis == rank - 1 || axis == -1;
}

std::unique_ptr<Step> make_step(const Node& n, const Binder& bind) {
  switch (op_family(n.op)) {
    case OpFamily::Gemm: return make_gemm_step(n, bind);
    case OpFamily::Pool: return make_pool_step(n, bind);
    case OpFamily::Data: return make_data_step(n, bind);
    case OpFamily::Math: return make_math_step(n, bind);
  }
  return make_math_step(n, bind);
}

}  // namespace qcc
