#include "ir/shape_inference.h"

#include <algorithm>
#include <stdexcept>

namespace qcc {

namespace {

[[noreturn]] void fail(const Node& n, const std::string& msg) {
  throw std::runtime_error(n.label() + ": " + msg);
}

const Value& need_in(const Node& n, size_t i) {
  if (!n.in(i)) fail(n, "missing input " + std::to_string(i));
  return *n.in(i);
}

int64_t norm_axis(const Node& n, int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank)
    fail(n, "axis " + std::to_string(axis) + " out of range for rank " + std::to_string(rank));
  return axis < 0 ? axis + rank : axis;
}

// Product of dims, -1 if any is dynamic.
int64_t dims_product(const Node& n, const Shape& s, size_t b, size_t e) {
  int64_t p = 1;
  for (size_t i = b; i < e; ++i) {
    if (s[i] < 0) return kDynamicDim;
    if (__builtin_mul_overflow(p, s[i], &p))
      fail(n, "dimension product overflows: " + shape_str(s));
  }
  return p;
}

// Every entry of attribute `k` in [lo, hi] (hostile files carry 0 strides, negative pads, 2^62).
void check_range(const Node& n, const char* k, const std::vector<int64_t>& v, int64_t lo,
                 int64_t hi) {
  for (int64_t x : v)
    if (x < lo || x > hi)
      fail(n, std::string(k) + " " + std::to_string(x) + " out of range [" + std::to_string(lo) +
                  ", " + std::to_string(hi) + "]");
}

// Window sizes beyond this are not images: the bound keeps window arithmetic far from overflow.
constexpr int64_t kMaxWindow = 1 << 16;

// kernel_shape, strides, dilations, pads of a 2-D window: present, of the right length, in range.
void check_window_attrs(const Node& n) {
  auto k = n.attrs.ints("kernel_shape");
  auto s = n.attrs.ints("strides", {1, 1});
  auto d = n.attrs.ints("dilations", {1, 1});
  auto p = n.attrs.ints("pads", {0, 0, 0, 0});
  if (k.size() != 2 || s.size() != 2 || d.size() != 2 || p.size() != 4)
    fail(n, "expects 2-D kernel_shape/strides/dilations and 4 pads");
  check_range(n, "kernel_shape", k, 1, kMaxWindow);
  check_range(n, "stride", s, 1, kMaxWindow);
  check_range(n, "dilation", d, 1, kMaxWindow);
  check_range(n, "pad", p, 0, kMaxWindow);
  const int64_t ceil = n.attrs.i("ceil_mode", 0);
  if (ceil != 0 && ceil != 1) fail(n, "ceil_mode must be 0 or 1");
  if (n.op == Op::Conv) return;
  // A pooling window that lies wholly in the padding has nothing to take the max or mean of.
  for (int i = 0; i < 4; ++i)
    if (p[i] >= (k[i % 2] - 1) * d[i % 2] + 1)
      fail(n, "pad " + std::to_string(p[i]) + " not smaller than the window");
}

// Resolves ONNX auto_pad into explicit pads (top, left, bottom, right) for a 2-D window.
void resolve_auto_pad(Node& n, int64_t h, int64_t w) {
  std::string ap = n.attrs.s("auto_pad", "NOTSET");
  if (ap == "NOTSET") return;
  check_window_attrs(n);  // with the default pads: strides and kernel are valid before dividing
  n.attrs.erase("auto_pad");
  if (ap == "VALID") {
    n.attrs.set("pads", std::vector<int64_t>{0, 0, 0, 0});
    return;
  }
  if (ap != "SAME_UPPER" && ap != "SAME_LOWER") fail(n, "unknown auto_pad " + ap);
  auto k = n.attrs.ints("kernel_shape");
  auto s = n.attrs.ints("strides", {1, 1});
  auto d = n.attrs.ints("dilations", {1, 1});
  std::vector<int64_t> pads(4);
  const int64_t in[2] = {h, w};
  for (int i = 0; i < 2; ++i) {
    int64_t out = (in[i] + s[i] - 1) / s[i];
    int64_t total = std::max<int64_t>(0, (out - 1) * s[i] + (k[i] - 1) * d[i] + 1 - in[i]);
    int64_t small = total / 2, big = total - small;
    pads[i] = ap == "SAME_UPPER" ? small : big;
    pads[i + 2] = ap == "SAME_UPPER" ? big : small;
  }
  n.attrs.set("pads", pads);
}

// Conv and pooling: [N,C,H,W] (or NHWC) -> spatial window output.
Shape window_shape(Node& n, const Shape& x, int64_t out_channels) {
  if (x.size() != 4) fail(n, "only 2-D (rank-4) inputs are supported, got " + shape_str(x));
  bool nhwc = n.nhwc();
  int64_t h = nhwc ? x[1] : x[2], w = nhwc ? x[2] : x[3];
  resolve_auto_pad(n, h, w);
  check_window_attrs(n);
  auto k = n.attrs.ints("kernel_shape");
  auto s = n.attrs.ints("strides", {1, 1});
  auto d = n.attrs.ints("dilations", {1, 1});
  auto p = n.attrs.ints("pads", {0, 0, 0, 0});
  bool ceil = n.attrs.i("ceil_mode", 0) != 0;
  int64_t oh = window_out_extent(h, k[0], s[0], d[0], p[0], p[2], ceil);
  int64_t ow = window_out_extent(w, k[1], s[1], d[1], p[1], p[3], ceil);
  if (oh <= 0 || ow <= 0) fail(n, "window larger than padded input " + shape_str(x));
  if (out_channels < 0) out_channels = nhwc ? x[3] : x[1];
  return nhwc ? Shape{x[0], oh, ow, out_channels} : Shape{x[0], out_channels, oh, ow};
}

Shape conv_shape(Node& n) {
  const Shape& x = need_in(n, 0).shape;
  const Shape& w = need_in(n, 1).shape;
  if (w.size() != 4) fail(n, "weight must be rank 4, got " + shape_str(w));
  for (int64_t d : w)
    if (d < 1) fail(n, "weight shape " + shape_str(w) + " has an empty or dynamic dimension");
  if (!n.attrs.has("kernel_shape")) n.attrs.set("kernel_shape", Shape{w[2], w[3]});
  if (n.attrs.ints("kernel_shape") != Shape{w[2], w[3]})
    fail(n, "kernel_shape " + shape_str(n.attrs.ints("kernel_shape")) + " disagrees with weight " +
                shape_str(w));
  int64_t group = n.attrs.i("group", 1);
  if (group < 1 || w[0] % group != 0)
    fail(n, "group " + std::to_string(group) + " does not divide the " + std::to_string(w[0]) +
                " output channels");
  int64_t c = x.size() == 4 ? (n.nhwc() ? x[3] : x[1]) : -1;
  if (c != w[1] * group)
    fail(n, "input channels " + std::to_string(c) + " != weight " + shape_str(w) + " x group " +
                std::to_string(group));
  if (const Value* b = n.in(2); b && b->shape != Shape{w[0]})
    fail(n, "bias shape " + shape_str(b->shape) + " != [" + std::to_string(w[0]) +
                "] output channels");
  return window_shape(n, x, w[0]);
}

Shape matmul_shape(const Node& n, Shape a, Shape b) {
  if (a.empty() || b.empty()) fail(n, "matmul of a scalar");
  bool a1 = a.size() == 1, b1 = b.size() == 1;
  if (a1) a.insert(a.begin(), 1);
  if (b1) b.push_back(1);
  if (a.back() != b[b.size() - 2])
    fail(n, "inner dimensions differ: " + shape_str(a) + " x " + shape_str(b));
  Shape batch = broadcast_shapes(Shape(a.begin(), a.end() - 2), Shape(b.begin(), b.end() - 2));
  if (!a1) batch.push_back(a[a.size() - 2]);
  if (!b1) batch.push_back(b.back());
  return batch;
}

Shape gemm_shape(const Node& n) {
  const Shape& a = need_in(n, 0).shape;
  const Shape& b = need_in(n, 1).shape;
  if (a.size() != 2 || b.size() != 2) fail(n, "Gemm inputs must be 2-D");
  int64_t m = n.attrs.i("transA") ? a[1] : a[0], ka = n.attrs.i("transA") ? a[0] : a[1];
  int64_t kb = n.attrs.i("transB") ? b[1] : b[0], nn = n.attrs.i("transB") ? b[0] : b[1];
  if (ka != kb) fail(n, "inner dimensions differ: " + shape_str(a) + " x " + shape_str(b));
  if (ka == 0 || nn == 0) fail(n, "empty operand " + shape_str(a) + " x " + shape_str(b));
  if (const Value* c = n.in(2)) {
    if (c->rank() > 2) fail(n, "bias C must have rank <= 2, got " + shape_str(c->shape));
    // C broadcasts to [M, N] in one direction only: it may not grow the output.
    const int64_t cn = c->rank() ? c->shape.back() : 1, cm = c->rank() == 2 ? c->shape[0] : 1;
    if ((cn != 1 && cn != nn) || (cm != 1 && cm != m))
      fail(n, "bias C " + shape_str(c->shape) + " does not broadcast to [" + std::to_string(m) +
                  "," + std::to_string(nn) + "]");
  }
  return {m, nn};
}

Shape reshape_shape(const Node& n) {
  const Value& x = need_in(n, 0);
  const Value& sv = need_in(n, 1);
  if (!sv.is_constant()) fail(n, "target shape must be a constant");
  Shape t = sv.data->to_ints();
  bool allow_zero = n.attrs.i("allowzero", 0) != 0;
  int infer_at = -1;
  bool copies_dynamic = false;
  int64_t known = 1;
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] == -1) {
      if (infer_at >= 0) fail(n, "more than one -1 in target shape");
      infer_at = static_cast<int>(i);
      continue;
    }
    if (t[i] == 0 && !allow_zero) {
      if (i >= x.shape.size()) fail(n, "0 refers past the input rank");
      t[i] = x.shape[i];
      if (t[i] < 0) {
        copies_dynamic = true;
        continue;
      }
    }
    if (t[i] < 0) fail(n, "negative dimension in target shape");
    if (__builtin_mul_overflow(known, t[i], &known))
      fail(n, "target shape " + shape_str(t) + " overflows");
  }
  int64_t total = shape_numel(x.shape);
  if (infer_at >= 0) {
    if (total < 0 && !copies_dynamic) {
      t[infer_at] = kDynamicDim;  // the dynamic batch flows into the inferred dimension
    } else if (total < 0) {
      // Every dynamic dimension was copied by a 0: -1 is what the static dimensions leave.
      int64_t input_static = 1;
      for (size_t i = 0; i < x.shape.size(); ++i) {
        bool copied = i < t.size() && t[i] == x.shape[i] && x.shape[i] < 0;
        if (x.shape[i] < 0 && !copied) fail(n, "cannot infer -1 next to a dynamic dimension");
        if (x.shape[i] >= 0 && __builtin_mul_overflow(input_static, x.shape[i], &input_static))
          fail(n, "input shape " + shape_str(x.shape) + " overflows");
      }
      if (known == 0 || input_static % known) fail(n, "cannot infer -1 from " + shape_str(x.shape));
      t[infer_at] = input_static / known;
    } else {
      if (known == 0 || total % known) fail(n, "cannot infer -1 from " + shape_str(x.shape));
      t[infer_at] = total / known;
    }
  } else if (total >= 0 && shape_numel(t) != total) {
    fail(n, "element count differs: " + shape_str(x.shape) + " -> " + shape_str(t));
  }
  return t;
}

Shape slice_shape(const Node& n) {
  Shape s = need_in(n, 0).shape;
  auto starts = n.attrs.ints("starts"), ends = n.attrs.ints("ends");
  auto axes = n.attrs.ints("axes"), steps = n.attrs.ints("steps");
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i) axes.push_back(static_cast<int64_t>(i));
  if (steps.empty()) steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() || steps.size() != starts.size())
    fail(n, "starts/ends/axes/steps lengths differ");
  for (size_t i = 0; i < starts.size(); ++i) {
    int64_t ax = norm_axis(n, axes[i], static_cast<int64_t>(s.size()));
    int64_t dim = s[ax];
    if (dim < 0) fail(n, "cannot slice the dynamic dimension");
    if (steps[i] == 0 || steps[i] < -kMaxDim || steps[i] > kMaxDim)
      fail(n, "step " + std::to_string(steps[i]) + " out of range");
    int64_t b = starts[i] < 0 ? starts[i] + dim : starts[i];
    int64_t e = ends[i] < 0 ? ends[i] + dim : ends[i];
    if (steps[i] > 0) {
      b = std::clamp<int64_t>(b, 0, dim);
      e = std::clamp<int64_t>(e, 0, dim);
      s[ax] = std::max<int64_t>(0, (e - b + steps[i] - 1) / steps[i]);
    } else {
      b = std::clamp<int64_t>(b, -1, dim - 1);
      e = std::clamp<int64_t>(e, -1, dim - 1);
      s[ax] = std::max<int64_t>(0, (b - e - steps[i] - 1) / -steps[i]);
    }
  }
  return s;
}

Shape unsqueeze_shape(const Node& n) {
  Shape s = need_in(n, 0).shape;
  auto axes = n.attrs.ints("axes");
  if (s.size() + axes.size() > kMaxRank) fail(n, "result rank above " + std::to_string(kMaxRank));
  int64_t rank = static_cast<int64_t>(s.size() + axes.size());
  for (auto& a : axes) a = norm_axis(n, a, rank);
  std::sort(axes.begin(), axes.end());
  if (std::adjacent_find(axes.begin(), axes.end()) != axes.end()) fail(n, "repeated axis");
  for (int64_t a : axes) s.insert(s.begin() + a, 1);
  return s;
}

Shape squeeze_shape(const Node& n) {
  Shape s = need_in(n, 0).shape;
  auto axes = n.attrs.ints("axes");
  std::vector<bool> drop(s.size(), false);
  if (axes.empty())
    for (size_t i = 0; i < s.size(); ++i) drop[i] = s[i] == 1;
  for (int64_t a : axes) {
    a = norm_axis(n, a, static_cast<int64_t>(s.size()));
    if (s[a] != 1) fail(n, "squeezing a dimension that is not 1");
    drop[a] = true;
  }
  Shape out;
  for (size_t i = 0; i < s.size(); ++i)
    if (!drop[i]) out.push_back(s[i]);
  return out;
}

Shape gather_shape(const Node& n) {
  const Shape& d = need_in(n, 0).shape;
  const Shape& idx = need_in(n, 1).shape;
  int64_t ax = norm_axis(n, n.attrs.i("axis", 0), static_cast<int64_t>(d.size()));
  Shape out(d.begin(), d.begin() + ax);
  out.insert(out.end(), idx.begin(), idx.end());
  out.insert(out.end(), d.begin() + ax + 1, d.end());
  return out;
}

Shape concat_shape(const Node& n) {
  Shape out = need_in(n, 0).shape;
  int64_t ax = norm_axis(n, n.attrs.i("axis", 0), static_cast<int64_t>(out.size()));
  for (size_t i = 1; i < n.inputs.size(); ++i) {
    const Shape& s = need_in(n, i).shape;
    if (s.size() != out.size()) fail(n, "inputs of different rank");
    for (size_t d = 0; d < s.size(); ++d)
      if (static_cast<int64_t>(d) != ax && s[d] != out[d])
        fail(n, "input shapes differ: " + shape_str(s) + " vs " + shape_str(out));
    if (out[ax] < 0 || s[ax] < 0)
      out[ax] = kDynamicDim;
    else if (__builtin_add_overflow(out[ax], s[ax], &out[ax]))
      fail(n, "concatenated dimension overflows");
  }
  return out;
}

Shape flatten_shape(const Node& n) {
  const Shape& s = need_in(n, 0).shape;
  int64_t rank = static_cast<int64_t>(s.size());
  int64_t ax = n.attrs.i("axis", 1);
  if (ax < 0) ax += rank;
  if (ax < 0 || ax > rank) fail(n, "axis out of range");
  return {dims_product(n, s, 0, ax), dims_product(n, s, ax, s.size())};
}

Shape pad_shape(const Node& n) {
  Shape s = need_in(n, 0).shape;
  auto p = n.attrs.ints("pads");
  if (p.size() != 2 * s.size()) fail(n, "pads must have 2*rank entries");
  check_range(n, "pad", p, -kMaxDim, kMaxDim);
  const bool constant = n.attrs.s("mode", "constant") == "constant";
  for (size_t i = 0; i < s.size(); ++i) {
    const int64_t grow = p[i] + p[i + s.size()];
    if (grow != 0 && s[i] < 0) fail(n, "cannot pad the dynamic dimension " + std::to_string(i));
    if (s[i] < 0) continue;
    if (!constant && grow > 0 && s[i] == 0) fail(n, "edge/reflect padding of an empty dimension");
    s[i] += grow;
    if (s[i] < 0) fail(n, "pads crop dimension " + std::to_string(i) + " below zero");
  }
  return s;
}

Shape transpose_shape(const Node& n) {
  const Shape& s = need_in(n, 0).shape;
  auto perm = n.attrs.ints("perm");
  if (perm.empty())
    for (size_t i = 0; i < s.size(); ++i) perm.push_back(static_cast<int64_t>(s.size() - 1 - i));
  if (perm.size() != s.size()) fail(n, "perm length differs from rank");
  Shape out;
  std::vector<bool> seen(s.size(), false);
  for (int64_t p : perm) {
    int64_t a = norm_axis(n, p, static_cast<int64_t>(s.size()));
    if (seen[a]) fail(n, "perm repeats axis " + std::to_string(a));
    seen[a] = true;
    out.push_back(s[a]);
  }
  return out;
}

Shape shape_of_shape(const Node& n) {
  int64_t rank = need_in(n, 0).rank();
  int64_t b = n.attrs.i("start", 0), e = n.attrs.i("end", rank);
  if (b < 0) b += rank;
  if (e < 0) e += rank;
  b = std::clamp<int64_t>(b, 0, rank);
  e = std::clamp<int64_t>(e, 0, rank);
  return {std::max<int64_t>(0, e - b)};
}

// BatchNormalization: scale, bias, mean and variance hold one value per channel.
Shape batchnorm_shape(const Node& n) {
  const Shape& x = need_in(n, 0).shape;
  if (x.size() < 2) fail(n, "expects rank >= 2, got " + shape_str(x));
  const Shape channels = {n.nhwc() ? x.back() : x[1]};
  const char* names[] = {"scale", "bias", "mean", "variance"};
  for (size_t i = 1; i <= 4; ++i)
    if (need_in(n, i).shape != channels)
      fail(n, std::string(names[i - 1]) + " shape " + shape_str(n.in(i)->shape) + " != channels " +
                  shape_str(channels));
  return x;
}

// (De)quantization: a scalar scale, or one per slice along `axis`; the zero point matches it.
Shape quantize_shape(const Node& n) {
  const Shape& x = need_in(n, 0).shape;
  const Shape& scale = need_in(n, 1).shape;
  if (scale.size() > 1) fail(n, "scale must be a scalar or 1-D, got " + shape_str(scale));
  // One element in any rank-<=1 shape is per-tensor (ONNX's reference broadcasts it along the
  // axis).
  const bool one = shape_numel(scale) == 1;
  if (n.in(2) && n.in(2)->shape != scale && !(one && shape_numel(n.in(2)->shape) == 1))
    fail(n, "zero point shape differs from scale shape " + shape_str(scale));
  if (scale.size() == 1 && !one) {
    int64_t axis = norm_axis(n, n.attrs.i("axis", 1), static_cast<int64_t>(x.size()));
    if (x[axis] >= 0 && x[axis] != scale[0])
      fail(n, "per-axis scale " + shape_str(scale) + " does not match axis " +
                  std::to_string(axis) + " of " + shape_str(x));
  }
  return x;
}

// What any shape rule may produce: bounded rank, dimensions dynamic or in [0, kMaxDim].
void check_output_shape(const Node& n, const Shape& s) {
  if (s.size() > kMaxRank)
    fail(n, "output rank " + std::to_string(s.size()) + " above " + std::to_string(kMaxRank));
  for (int64_t d : s)
    if (d < kDynamicDim || d > kMaxDim)
      fail(n, "output dimension " + std::to_string(d) + " out of range");
}

Shape output_shape(Node& n) {
  switch (n.op) {
    case Op::Conv:
      return conv_shape(n);
    case Op::MaxPool:
    case Op::AveragePool:
      return window_shape(n, need_in(n, 0).shape, -1);
    case Op::GlobalAveragePool: {
      Shape s = need_in(n, 0).shape;
      if (s.size() < 3) fail(n, "expects rank >= 3");
      if (n.nhwc()) return {s[0], 1, 1, s[3]};
      for (size_t i = 2; i < s.size(); ++i) s[i] = 1;
      return s;
    }
    case Op::Pad:
      return pad_shape(n);
    case Op::Concat:
      return concat_shape(n);
    case Op::Flatten:
      return flatten_shape(n);
    case Op::Gemm:
      return gemm_shape(n);
    case Op::MatMul:
      return matmul_shape(n, need_in(n, 0).shape, need_in(n, 1).shape);
    case Op::Add:
    case Op::Sub:
    case Op::Mul:
    case Op::Div:
      return broadcast_shapes(need_in(n, 0).shape, need_in(n, 1).shape);
    case Op::Gather:
      return gather_shape(n);
    case Op::Unsqueeze:
      return unsqueeze_shape(n);
    case Op::Squeeze:
      return squeeze_shape(n);
    case Op::Reshape:
      return reshape_shape(n);
    case Op::Shape:
      return shape_of_shape(n);
    case Op::Slice:
      return slice_shape(n);
    case Op::Transpose:
      return transpose_shape(n);
    case Op::BatchNormalization:
      return batchnorm_shape(n);
    case Op::Softmax:
      norm_axis(n, n.attrs.i("axis", -1), need_in(n, 0).rank());
      return need_in(n, 0).shape;
    case Op::QuantizeLinear:
    case Op::DequantizeLinear:
      return quantize_shape(n);
    case Op::Relu:
    case Op::Identity:
    case Op::Dropout:
    case Op::Cast:
      return need_in(n, 0).shape;
    default:
      break;  // ops with generic rules (below)
  }
  if (op_has(n.op, kUnaryMath)) return need_in(n, 0).shape;
  fail(n, "no shape rule");
}

DType output_dtype(const Node& n) {
  switch (n.op) {
    case Op::Shape:
      return DType::s64;
    case Op::Cast:
      return static_cast<DType>(n.attrs.i("to"));
    case Op::QuantizeLinear:
      return n.in(2) ? n.in(2)->dtype : DType::u8;
    case Op::DequantizeLinear:
      return DType::f32;
    default:
      return need_in(n, 0).dtype;
  }
}

}  // namespace

int64_t window_out_extent(int64_t in, int64_t kernel, int64_t stride, int64_t dilation,
                          int64_t pad_begin, int64_t pad_end, bool ceil_mode) {
  int64_t span = in + pad_begin + pad_end - ((kernel - 1) * dilation + 1);
  if (span < 0) return 0;
  int64_t out = (ceil_mode ? (span + stride - 1) / stride : span / stride) + 1;
  // A window may not start in the end padding (PyTorch's and later ONNX's ceil-mode rule).
  if (ceil_mode && (out - 1) * stride >= in + pad_begin) --out;
  return out;
}

Shape broadcast_shapes(const Shape& a, const Shape& b) {
  size_t r = std::max(a.size(), b.size());
  Shape out(r);
  for (size_t i = 0; i < r; ++i) {
    int64_t da = i < r - a.size() ? 1 : a[i - (r - a.size())];
    int64_t db = i < r - b.size() ? 1 : b[i - (r - b.size())];
    if (da == db || db == 1) {
      out[i] = da;
    } else if (da == 1) {
      out[i] = db;
    } else {
      throw std::invalid_argument("shapes do not broadcast: " + shape_str(a) + " vs " +
                                  shape_str(b));
    }
  }
  return out;
}

void infer_node(Node& n, bool set_dtypes) {
  Value* out = n.out(0);
  if (!out) fail(n, "has no output");
  try {
    out->shape = output_shape(n);
  } catch (const std::logic_error& e) {  // from helpers that do not know the node
    fail(n, e.what());
  } catch (const std::overflow_error& e) {
    fail(n, e.what());
  }
  check_output_shape(n, out->shape);
  if (set_dtypes) out->dtype = output_dtype(n);
  if (n.op == Op::Dropout && n.out(1)) {
    n.out(1)->shape = out->shape;
    if (set_dtypes) n.out(1)->dtype = DType::boolean;
  }
}

void infer_shapes(Graph& g) {
  for (const auto& n : g.nodes()) infer_node(*n, false);
}

}  // namespace qcc
