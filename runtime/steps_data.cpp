// Data-movement steps: concat (in place when the planner aliased its inputs), reshape-like views,
// transpose, gather, slice, pad, shape.
#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "ir/shape_inference.h"
#include "kernels/tensor_ops.h"
#include "runtime/memory_plan.h"
#include "runtime/step.h"

namespace qcc {

namespace {

using kernels::Dims;

[[noreturn]] void fail(const Node& n, const std::string& msg) {
  throw std::runtime_error(n.label() + ": " + msg);
}

int64_t norm_axis(int64_t a, int64_t rank) { return a < 0 ? a + rank : a; }

// Copies a (possibly strided) value into another place with its own row stride.
void copy_value(const Bound& x, const Bound& y) {
  int64_t cols = x.shape.empty() ? 1 : x.shape.back();
  int64_t rows = cols ? x.numel() / cols : 0;
  kernels::copy_rows(x.data, x.pixel_stride, y.data, y.pixel_stride, rows, cols,
                     static_cast<int>(dtype_size(x.dtype)));
}

std::unique_ptr<Step> concat_step(const Node& n, const Binder& bind) {
  Bound y = bind(n.out(0));
  const int64_t rank = static_cast<int64_t>(y.shape.size());
  const int64_t axis = norm_axis(n.attrs.i("axis"), rank);
  const int eb = static_cast<int>(dtype_size(y.dtype));
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= y.shape[d];
  for (int64_t d = axis + 1; d < rank; ++d) inner *= y.shape[d];
  const bool last_axis = axis == rank - 1;
  if (!last_axis && !y.dense()) fail(n, "strided output of a non-channel concat");
  const int64_t dst_stride = last_axis ? y.pixel_stride : y.shape[axis] * inner;
  struct Copy {
    Bound x;
    int64_t offset;  // elements into each output row
  };
  std::vector<Copy> copies;
  int64_t off = 0;
  for (const Value* v : n.inputs) {
    Bound x = bind(v);
    bool in_place = x.data == y.data + off * inner * eb && x.pixel_stride == y.pixel_stride;
    if (!in_place) copies.push_back({x, off * inner});
    off += x.shape[axis];
  }
  return std::make_unique<FnStep>([=] {
    for (const Copy& c : copies) {
      int64_t cols = c.x.shape[axis] * inner;
      int64_t src_stride = last_axis ? c.x.pixel_stride : cols;
      kernels::copy_rows(c.x.data, src_stride, y.data + c.offset * eb, dst_stride, outer, cols, eb);
    }
  });
}

std::unique_ptr<Step> alias_step(const Node& n, const Binder& bind) {
  Bound x = bind(n.in(0)), y = bind(n.out(0));
  std::vector<std::pair<Bound, Bound>> copies;
  if (x.data != y.data) {
    // Not aliased by the planner (constant or slice input): copy densely, viewing both as 1 row.
    Bound xs = x, ys = y;
    if (!x.dense() || !y.dense()) {
      if (x.shape.back() != y.shape.back()) fail(n, "cannot reshape a strided view");
    } else {
      xs.shape = ys.shape = {x.numel()};
      xs.pixel_stride = ys.pixel_stride = x.numel();
    }
    copies.push_back({xs, ys});
  }
  if (n.op == Op::Dropout && n.out(1)) {  // inference mask: all true
    Bound m = bind(n.out(1));
    return std::make_unique<FnStep>([=] {
      for (auto& [a, b] : copies) copy_value(a, b);
      std::memset(m.data, 1, m.bytes());
    });
  }
  return std::make_unique<FnStep>([=] {
    for (auto& [a, b] : copies) copy_value(a, b);
  });
}

std::unique_ptr<Step> transpose_step(const Node& n, const Binder& bind) {
  Bound x = bind(n.in(0)), y = bind(n.out(0));
  if (!x.dense() || !y.dense()) fail(n, "transpose of a strided view");
  auto perm = n.attrs.ints("perm");
  if (perm.empty())
    for (int64_t i = static_cast<int64_t>(x.shape.size()) - 1; i >= 0; --i) perm.push_back(i);
  Dims in_strides = kernels::contiguous_strides(x.shape), src_strides;
  for (int64_t p : perm) src_strides.push_back(in_strides[norm_axis(p, x.shape.size())]);
  int eb = static_cast<int>(dtype_size(x.dtype));
  if (y.shape.size() < 3)
    return std::make_unique<FnStep>(
        [=] { kernels::strided_copy(x.data, src_strides, y.data, y.shape, eb); });
  // One task per index of the outer output dimension (the images of an input layout change).
  const Dims inner_shape(y.shape.begin() + 1, y.shape.end()),
      inner_strides(src_strides.begin() + 1, src_strides.end());
  const int64_t out_step = shape_numel(inner_shape) * eb, in_step = src_strides[0] * eb;
  return std::make_unique<FnStep>([=] {
    parallel_for_tasks(y.shape[0], [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i)
        kernels::strided_copy(static_cast<const uint8_t*>(x.data) + i * in_step, inner_strides,
                              static_cast<uint8_t*>(y.data) + i * out_step, inner_shape, eb);
    });
  });
}

std::unique_ptr<Step> gather_step(const Node& n, const Binder& bind) {
  Bound x = bind(n.in(0)), idx = bind(n.in(1)), y = bind(n.out(0));
  if (idx.dtype != DType::s64 && idx.dtype != DType::s32) fail(n, "indices must be int32/int64");
  int axis = static_cast<int>(norm_axis(n.attrs.i("axis"), x.shape.size()));
  int eb = static_cast<int>(dtype_size(x.dtype));
  std::string label = n.label();
  return std::make_unique<FnStep>([=] {
    std::vector<int64_t> ind(idx.numel());
    for (int64_t i = 0; i < idx.numel(); ++i)
      ind[i] = idx.dtype == DType::s64 ? idx.as<int64_t>()[i] : idx.as<int32_t>()[i];
    if (!kernels::gather(x.data, x.shape, axis, ind.data(), ind.size(), y.data, eb))
      throw std::runtime_error(label + ": index out of range");
  });
}

std::unique_ptr<Step> slice_step(const Node& n, const Binder& bind) {
  Bound x = bind(n.in(0)), y = bind(n.out(0));
  const int64_t rank = static_cast<int64_t>(x.shape.size());
  auto starts = n.attrs.ints("starts"), axes = n.attrs.ints("axes"), steps = n.attrs.ints("steps");
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i) axes.push_back(static_cast<int64_t>(i));
  if (steps.empty()) steps.assign(starts.size(), 1);
  Dims strides = kernels::contiguous_strides(x.shape), src = strides;
  int64_t base = 0;
  for (size_t i = 0; i < starts.size(); ++i) {
    int64_t ax = norm_axis(axes[i], rank), dim = x.shape[ax];
    int64_t b = starts[i] < 0 ? starts[i] + dim : starts[i];
    b = steps[i] > 0 ? std::clamp<int64_t>(b, 0, dim) : std::clamp<int64_t>(b, -1, dim - 1);
    base += b * strides[ax];
    src[ax] = strides[ax] * steps[i];
  }
  int eb = static_cast<int>(dtype_size(x.dtype));
  const uint8_t* from = x.data + base * eb;
  return std::make_unique<FnStep>([=] { kernels::strided_copy(from, src, y.data, y.shape, eb); });
}

std::unique_ptr<Step> pad_step(const Node& n, const Binder& bind) {
  Bound x = bind(n.in(0)), y = bind(n.out(0));
  std::string mode = n.attrs.s("mode", "constant");
  kernels::PadMode m = mode == "edge" ? kernels::PadMode::edge
                       : mode == "reflect" ? kernels::PadMode::reflect
                                           : kernels::PadMode::constant;
  Tensor value = Tensor::scalar(x.dtype, n.attrs.f("value", 0.f));
  Dims pads = n.attrs.ints("pads");
  int eb = static_cast<int>(dtype_size(x.dtype));
  return std::make_unique<FnStep>([=] { kernels::pad(x.data, x.shape, pads, m, value.raw(), y.data, eb); });
}

std::unique_ptr<Step> shape_step(const Node& n, const Binder& bind) {
  Bound x = bind(n.in(0)), y = bind(n.out(0));
  int64_t rank = static_cast<int64_t>(x.shape.size());
  int64_t b = std::clamp<int64_t>(norm_axis(n.attrs.i("start", 0), rank), 0, rank);
  int64_t e = std::clamp<int64_t>(norm_axis(n.attrs.i("end", rank), rank), 0, rank);
  std::vector<int64_t> dims(x.shape.begin() + b, x.shape.begin() + std::max(b, e));
  return std::make_unique<FnStep>([=] {
    if (!dims.empty()) std::memcpy(y.data, dims.data(), dims.size() * 8);
  });
}

}  // namespace

std::unique_ptr<Step> make_data_step(const Node& n, const Binder& bind) {
  for (const Value* v : n.inputs)
    if (v && n.op != Op::Concat && !is_alias_op(n) && !bind(v).dense())
      fail(n, "input '" + v->name + "' is a strided view");
  switch (n.op) {
    case Op::Concat: return concat_step(n, bind);
    case Op::Transpose: return transpose_step(n, bind);
    case Op::Gather: return gather_step(n, bind);
    case Op::Slice: return slice_step(n, bind);
    case Op::Pad: return pad_step(n, bind);
    case Op::Shape: return shape_step(n, bind);
    default: return alias_step(n, bind);
  }
}

}  // namespace qcc
