// A step is one node bound to a kernel with every pointer resolved at plan time.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "kernels/elementwise.h"

namespace qcc {

/// A value as a step sees it: its bytes in the arena (or constant data) and layout.
struct Bound {
  uint8_t* data = nullptr;
  DType dtype = DType::f32;
  Shape shape;
  int64_t pixel_stride = 0;  ///< elements between rows of the last dimension

  int64_t numel() const { return shape_numel(shape); }
  size_t bytes() const { return static_cast<size_t>(numel()) * dtype_size(dtype); }
  bool dense() const { return shape.empty() || pixel_stride == shape.back(); }
  template <typename T>
  T* as() const {
    return reinterpret_cast<T*>(data);
  }
};

using Binder = std::function<Bound(const Value*)>;

/// Per-run state handed to steps: one scratch buffer per worker thread of the arena.
struct ExecContext {
  std::vector<std::vector<uint8_t>>* scratch = nullptr;
  uint8_t* thread_scratch() const;
};

class Step {
 public:
  virtual ~Step() = default;
  virtual void run(const ExecContext& ctx) = 0;
  /// Scratch bytes each worker thread needs.
  virtual size_t scratch_bytes() const { return 0; }
  /// Multiply-accumulates per run (for profiles).
  virtual int64_t macs() const { return 0; }
  /// The ISA variant of the kernel the step runs ("" when it runs none: views, copies).
  virtual const char* isa() const { return ""; }
  /// The kernel kind for profiles ("1x1", "winograd", "pool", ...; "" for the rest) and
  /// whether it computes in integers.
  virtual const char* kind() const { return ""; }
  virtual bool integer() const { return false; }
};

/// A step that is a closure (most non-GEMM ops).
class FnStep : public Step {
 public:
  explicit FnStep(std::function<void()> fn, const char* isa = "", const char* kind = "", bool integer = false)
      : fn_(std::move(fn)), isa_(isa), kind_(kind), integer_(integer) {}
  void run(const ExecContext&) override { fn_(); }
  const char* isa() const override { return isa_; }
  const char* kind() const override { return kind_; }
  bool integer() const override { return integer_; }

 private:
  std::function<void()> fn_;
  const char* isa_;
  const char* kind_;
  bool integer_;
};

/// Binds a node to its kernel. Throws std::runtime_error naming the node when the combination of
/// op, dtypes and layout has no kernel.
std::unique_ptr<Step> make_step(const Node& n, const Binder& bind);

/// Whether the step bound to `n` can write its output with a pixel stride (a concat slice).
bool step_writes_strided(const Node& n);

// Per-family factories (steps_*.cpp).
std::unique_ptr<Step> make_gemm_step(const Node& n, const Binder& bind);  // Conv, Gemm, MatMul
std::unique_ptr<Step> make_pool_step(const Node& n, const Binder& bind);  // pools
std::unique_ptr<Step> make_data_step(const Node& n, const Binder& bind);  // movement
std::unique_ptr<Step> make_math_step(const Node& n, const Binder& bind);  // arithmetic
std::unique_ptr<Step> make_unary_step(const Node& n, const Binder& bind);  // kUnaryMath ops

kernels::ElemType elem_type(DType t);
/// Splits [0, count) over the current task arena (static, contiguous ranges).
void parallel_for_tasks(int64_t count, const std::function<void(int64_t begin, int64_t end)>& fn);

/// `rows` cut into chunks of whole `unit`s (a micro-kernel tile), at most `max_rows` each, their
/// count a multiple of `threads` and their sizes within one unit of each other, so that
/// parallel_for_tasks gives every thread the same work. (Cutting 25 tiles into fixed chunks of 4
/// left a 1-tile chunk, and one of 2 threads did 16 tiles while the other did 9.)
class RowChunks {
 public:
  RowChunks(int64_t rows, int64_t unit, int64_t max_rows, int64_t threads);
  int64_t count() const { return count_; }
  int64_t begin(int64_t c) const { return std::min(rows_, c * units_ / count_ * unit_); }
  int64_t end(int64_t c) const { return begin(c + 1); }

 private:
  int64_t rows_, unit_, units_, count_;
};

}  // namespace qcc
