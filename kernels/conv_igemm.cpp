#include "kernels/conv_igemm.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>

#include "ir/saturate.h"
#include "kernels/convert.h"

namespace qcc::kernels {

namespace {

constexpr int kMaxTileRows = 32;  // the largest micro-kernel tile (checked by pack_b)

// Bytes of one A element as the micro-kernel reads it (f16 input is converted to f32 rows).
int a_elem_bytes(GemmType t) { return t.q8() ? 1 : 4; }
// Bytes of one element of the input tensor (and of B).
int in_elem_bytes(GemmType t) { return t.a == AType::f32 ? 4 : t.a == AType::f16 ? 2 : 1; }
// Bytes of one packed B element: int8 weights are widened to int16 for pair kernels.
int b_elem_bytes(GemmType t, const Ukernel& uk) {
  return t.q8() && uk.pair_lanes ? 2 : in_elem_bytes(t);
}

// Element index of B's (k, column j) within a panel of nr columns (see gemm_ukernel.h): float
// [k][nr]; int8 [k/4][nr][4]; int16 pairs [k/4][block of P columns][k % 2][P][(k % 4) / 2].
int64_t b_index(int64_t k, int64_t j, bool q8, int nr, int pair_lanes) {
  if (!q8) return k * nr + j;
  const int64_t group = (k / 4) * nr * 4;
  if (!pair_lanes) return group + j * 4 + k % 4;
  const int64_t p = pair_lanes;
  return group + (j / p) * 4 * p + (k % 2) * 2 * p + (j % p) * 2 + (k % 4) / 2;
}
int out_elem_bytes(GemmType t) { return t.c == CType::f32 ? 4 : t.c == CType::f16 ? 2 : 1; }

int64_t packed_row_elems(const ConvArgs& a) { return a.w->k_padded; }

// The output pixel (n, oh, ow) of GEMM row m, stepped row by row without dividing (the divisions
// cost more than a small layer's arithmetic per row).
struct OutPixel {
  int64_t n, oh, ow;
  OutPixel(const ConvGeom& g, int64_t m)
      : n(m / (g.out_h * g.out_w)), oh(m / g.out_w % g.out_h), ow(m % g.out_w) {}
  void next(const ConvGeom& g) {
    if (++ow < g.out_w) return;
    ow = 0;
    if (++oh < g.out_h) return;
    oh = 0;
    ++n;
  }
};

// Input pointer of output pixel px at tap (i, j), or the zero row when the tap falls in padding.
const uint8_t* tap_row(const ConvArgs& a, const OutPixel& px, int64_t i, int64_t j) {
  const ConvGeom& g = a.g;
  int64_t ih = px.oh * g.stride_h - g.pad_t + i * g.dil_h;
  int64_t iw = px.ow * g.stride_w - g.pad_l + j * g.dil_w;
  if (ih < 0 || ih >= g.in_h || iw < 0 || iw >= g.in_w) return static_cast<const uint8_t*>(a.zero_row);
  int64_t pixel = (px.n * g.in_h + ih) * g.in_w + iw;
  return static_cast<const uint8_t*>(a.in) + pixel * g.in_pixel_stride * in_elem_bytes(a.w->type);
}

// Byte offsets of the taps from the window's first input pixel, for windows inside the image
// (row taps: one per window row).
void tap_offsets(const ConvArgs& a, int64_t* offsets) {
  const ConvGeom& g = a.g;
  const int64_t pixel_bytes = g.in_pixel_stride * in_elem_bytes(a.w->type);
  const int64_t k_w = a.row_taps ? 1 : g.k_w;
  for (int64_t i = 0, tap = 0; i < g.k_h; ++i)
    for (int64_t j = 0; j < k_w; ++j, ++tap)
      offsets[tap] = (i * g.dil_h * g.in_w + j * g.dil_w) * pixel_bytes;
}

// Taps the micro-kernel sees per row, and the elements of each.
int64_t kernel_taps(const ConvArgs& a) {
  return a.pack_a ? 1 : a.row_taps ? a.g.k_h : a.g.taps();
}
int64_t kernel_kc(const ConvArgs& a) {
  return a.pack_a ? a.w->k_padded : a.row_taps ? a.w->k_padded / a.g.k_h : a.g.in_c;
}

// The largest window origin (in elements) whose taps all lie inside the input buffer. Row taps
// read up to 3 bytes past a window row (their weights are zero), so near the input's end a
// window inside the image would still read past the buffer.
int64_t last_readable_origin(const ConvArgs& a) {
  const ConvGeom& g = a.g;
  if (!a.row_taps) return INT64_MAX;
  return g.batch * g.in_h * g.in_w * g.in_c - (g.k_h - 1) * g.dil_h * g.in_w * g.in_c -
         kernel_kc(a);
}

// The input address of output pixel px's window origin when the whole window lies inside the
// image (most pixels) and its taps inside the buffer (origin <= max_origin), else null.
const uint8_t* inside_window(const ConvArgs& a, const OutPixel& px, int64_t max_origin) {
  const ConvGeom& g = a.g;
  const int64_t ih0 = px.oh * g.stride_h - g.pad_t, iw0 = px.ow * g.stride_w - g.pad_l;
  if (ih0 < 0 || iw0 < 0 || ih0 + (g.k_h - 1) * g.dil_h >= g.in_h ||
      iw0 + (g.k_w - 1) * g.dil_w >= g.in_w)
    return nullptr;
  const int64_t origin = ((px.n * g.in_h + ih0) * g.in_w + iw0) * g.in_pixel_stride;
  if (origin > max_origin) return nullptr;
  return static_cast<const uint8_t*>(a.in) + origin * in_elem_bytes(a.w->type);
}

void pack_row(const ConvArgs& a, const OutPixel& px, uint8_t* dst);

// One tile's row pointers, tile[tap * mr + r], for output rows [m, m + valid) starting at px
// (advanced past them); rows past `valid` repeat the last valid one. A row whose window is inside
// the image is its origin plus each tap's offset: for a tile of such rows that is one outer sum
// the compiler vectorizes (filling them one row at a time cost a third of a 32-channel 3x3 conv's
// arithmetic); rows at the border check every tap, or with row taps are packed into
// border_rows (row_bytes each).
void tile_rows(const ConvArgs& a, OutPixel& px, int valid, const int64_t* offsets,
               const void** tile, uint8_t* border_rows, int64_t row_bytes) {
  const int mr = a.w->uk.mr;
  const int64_t taps = kernel_taps(a), kc = kernel_kc(a), max_origin = last_readable_origin(a);
  uintptr_t origin[kMaxTileRows];
  bool border = false;
  for (int r = 0; r < valid; ++r, px.next(a.g)) {
    const uint8_t* o = inside_window(a, px, max_origin);
    origin[r] = reinterpret_cast<uintptr_t>(o);
    if (o) continue;
    border = true;
    if (a.row_taps) {
      uint8_t* dst = border_rows + r * row_bytes;
      pack_row(a, px, dst);
      for (int64_t i = 0; i < a.g.k_h; ++i) tile[i * mr + r] = dst + i * kc;
      continue;
    }
    for (int64_t i = 0, tap = 0; i < a.g.k_h; ++i)
      for (int64_t j = 0; j < a.g.k_w; ++j, ++tap) tile[tap * mr + r] = tap_row(a, px, i, j);
  }
  for (int r = valid; r < mr; ++r) origin[r] = origin[valid - 1];
  auto at = [&](int r, int64_t tap) {
    return reinterpret_cast<const void*>(origin[r] + offsets[tap]);
  };
  if (!border) {
    for (int64_t tap = 0; tap < taps; ++tap)
      for (int r = 0; r < mr; ++r) tile[tap * mr + r] = at(r, tap);
    return;
  }
  for (int r = 0; r < mr; ++r)
    for (int64_t tap = 0; tap < taps; ++tap)
      if (r >= valid)
        tile[tap * mr + r] = tile[tap * mr + valid - 1];
      else if (origin[r])
        tile[tap * mr + r] = at(r, tap);
}

// dst = src ^ flip bytewise (flip 0x80 turns s8 into u8 + 128), 8 bytes per step and the tail as
// one more 8-byte step overlapping the last: the first conv's runs are 9 bytes, where a memcpy
// call, the compiler's vector loop or a byte loop for the tail costs more than the copy (measured:
// packing took 6x the micro-kernel's time; later the tail's byte loop was packing's hottest part).
void copy_bytes(const uint8_t* src, uint8_t* dst, int64_t count, uint8_t flip) {
  const uint64_t flip8 = 0x0101010101010101ull * flip;
  auto copy8 = [&](int64_t x) {
    uint64_t v;
    std::memcpy(&v, src + x, 8);
    v ^= flip8;
    std::memcpy(dst + x, &v, 8);
  };
  if (count < 8) {
    for (int64_t x = 0; x < count; ++x) dst[x] = src[x] ^ flip;
    return;
  }
  for (int64_t x = 0; x + 8 < count; x += 8) copy8(x);
  copy8(count - 8);
}

// Copies `count` input elements into an A row, in the micro-kernel's A type.
uint8_t* copy_to_row(const ConvArgs& a, const uint8_t* src, uint8_t* p, int64_t count) {
  if (a.w->type.a == AType::f16) {
    convert_f16_to_f32(reinterpret_cast<const uint16_t*>(src), reinterpret_cast<float*>(p), count);
  } else if (a.w->type.q8() && count < 64) {
    copy_bytes(src, p, count, a.w->uk.flip_signed_input ? 0x80 : 0);
  } else if (a.w->type.q8() && a.w->uk.flip_signed_input) {
    for (int64_t x = 0; x < count; ++x) p[x] = src[x] ^ 0x80;
  } else {
    std::memcpy(p, src, count * a_elem_bytes(a.w->type));
  }
  return p + count * a_elem_bytes(a.w->type);
}

// im2col of one output row into dst (k_padded elements of the micro-kernel's A type); with row
// taps each window row is padded to its tap's length. When a window row lies inside the image and
// pixels are dense, its k_w taps are one contiguous run: one copy instead of k_w (the first
// conv's 3-channel taps are 3 bytes each). Padding (row taps', and K rounded up to the kernel's
// groups or blocks) only exists for int8 and meets zero weights, so it is left as it is: zeroing
// the AMX kernels' up to 63 bytes per row cost a tenth of packing.
void pack_row(const ConvArgs& a, const OutPixel& px, uint8_t* dst) {
  const ConvGeom& g = a.g;
  const int64_t iw0 = px.ow * g.stride_w - g.pad_l, ih0 = px.oh * g.stride_h - g.pad_t;
  const bool dense_rows =
      g.dil_w == 1 && g.in_pixel_stride == g.in_c && iw0 >= 0 && iw0 + g.k_w <= g.in_w;
  const int64_t row_pad = a.row_taps ? kernel_kc(a) - g.k_w * g.in_c : 0;  // bytes (int8 only)
  uint8_t* p = dst;
  if (a.w->type.q8() && dense_rows && ih0 >= 0 && ih0 + (g.k_h - 1) * g.dil_h < g.in_h) {
    // Inside the image (most pixels): k_h runs of bytes, no per-tap checks.
    const int64_t run = g.k_w * g.in_c, step = g.dil_h * g.in_w * g.in_c;
    const uint8_t* src =
        static_cast<const uint8_t*>(a.in) + ((px.n * g.in_h + ih0) * g.in_w + iw0) * g.in_c;
    const uint8_t flip = a.w->uk.flip_signed_input ? 0x80 : 0;
    for (int64_t i = 0; i < g.k_h; ++i, p += run + row_pad)
      copy_bytes(src + i * step, p, run, flip);
    return;
  }
  for (int64_t i = 0; i < g.k_h; ++i) {
    const int64_t ih = px.oh * g.stride_h - g.pad_t + i * g.dil_h;
    if (dense_rows && ih >= 0 && ih < g.in_h) {
      p = copy_to_row(a, tap_row(a, px, i, 0), p, g.k_w * g.in_c);
    } else {
      for (int64_t j = 0; j < g.k_w; ++j) p = copy_to_row(a, tap_row(a, px, i, j), p, g.in_c);
    }
    p += row_pad;
  }
}

}  // namespace

const uint8_t* PackedWeights::panel(int64_t p) const {
  return b.data() + p * k_padded * uk.nr * b_elem_bytes(type, uk);
}

void pack_b(const void* src, int64_t n, int64_t k, int64_t stride_n, int64_t stride_k, GemmType t,
            const Ukernel& uk, PackedWeights& out) {
  const int elem = b_elem_bytes(t, uk), nr = uk.nr;
  const bool q8 = t.q8();
  if (uk.mr < 1 || uk.mr > kMaxTileRows)
    throw std::logic_error("micro-kernel tile of " + std::to_string(uk.mr) + " rows");
  if (uk.pair_lanes && nr % uk.pair_lanes)
    throw std::logic_error("micro-kernel panel of " + std::to_string(nr) +
                           " columns in pair blocks of " + std::to_string(uk.pair_lanes));
  out.type = t;
  out.uk = uk;
  out.n = n;
  out.k = k;
  const int64_t k_align = uk.k_block ? uk.k_block : 4;
  out.k_padded = q8 ? (k + k_align - 1) / k_align * k_align : k;
  out.panels = (n + nr - 1) / nr;
  out.b.assign(out.panels * out.k_padded * nr * elem, 0);
  const uint8_t* s = static_cast<const uint8_t*>(src);
  for (int64_t col = 0; col < n; ++col) {
    int64_t p = col / nr, j = col % nr;
    uint8_t* panel = out.b.data() + p * out.k_padded * nr * elem;
    for (int64_t kk = 0; kk < k; ++kk) {
      const uint8_t* from = s + (col * stride_n + kk * stride_k) * in_elem_bytes(t);
      uint8_t* to = panel + b_index(kk, j, q8, nr, uk.pair_lanes) * elem;
      if (elem == 2 && q8) {
        const int16_t wide = static_cast<int8_t>(*from);
        std::memcpy(to, &wide, 2);
      } else {
        std::memcpy(to, from, elem);
      }
    }
  }
  out.bias_f32.assign(q8 ? 0 : out.panels * nr, 0.f);
  out.bias_s32.assign(q8 ? out.panels * nr : 0, 0);
  out.scale.assign(q8 ? out.panels * nr : 0, 0.f);
}

void set_q8_epilogue(PackedWeights& w, const int32_t* bias, const float* scale, int32_t input_zero) {
  const int nr = w.uk.nr;
  const int64_t offset = input_zero + (w.uk.flip_signed_input && w.type.a == AType::s8 ? 128 : 0);
  for (int64_t col = 0; col < w.n; ++col) {
    int64_t p = col / nr, j = col % nr;
    int64_t sum = 0;
    if (offset) {
      const uint8_t* panel = w.panel(p);
      for (int64_t kk = 0; kk < w.k_padded; ++kk) {
        const int64_t i = b_index(kk, j, true, nr, w.uk.pair_lanes);
        int16_t wide = 0;
        if (w.uk.pair_lanes) std::memcpy(&wide, panel + 2 * i, 2);
        sum += w.uk.pair_lanes ? wide : static_cast<int8_t>(panel[i]);
      }
    }
    w.bias_s32[p * nr + j] = saturate_cast<int32_t>(static_cast<double>(bias[col]) - static_cast<double>(offset * sum));
    w.scale[p * nr + j] = scale[col];
  }
}

void oihw_to_ohwi(const void* src, void* dst, int64_t o, int64_t i, int64_t taps, int eb) {
  const uint8_t* s = static_cast<const uint8_t*>(src);
  uint8_t* d = static_cast<uint8_t*>(dst);
  for (int64_t a = 0; a < o; ++a)
    for (int64_t c = 0; c < i; ++c)
      for (int64_t t = 0; t < taps; ++t)
        std::memcpy(d + ((a * taps + t) * i + c) * eb, s + ((a * i + c) * taps + t) * eb, eb);
}

bool conv_row_taps(GemmType t, const Ukernel& uk, const ConvGeom& g) {
  return t.q8() && !uk.flip_signed_input && !uk.k_block && g.in_c % 4 != 0 && g.dil_w == 1 &&
         g.in_pixel_stride == g.in_c;
}

int64_t row_tap_bytes(const ConvGeom& g) {
  return (g.k_w * g.in_c + 3) / 4 * 4;
}

std::vector<int8_t> row_tap_weights(const int8_t* ohwi, const ConvGeom& g) {
  const int64_t run = g.k_w * g.in_c, tap = row_tap_bytes(g);
  std::vector<int8_t> out(g.out_c * g.k_h * tap, 0);
  for (int64_t o = 0; o < g.out_c; ++o)
    for (int64_t i = 0; i < g.k_h; ++i)
      std::memcpy(&out[(o * g.k_h + i) * tap], ohwi + (o * g.k_h + i) * run, run);
  return out;
}

bool conv_rows_in_place(GemmType t, const Ukernel& uk, const ConvGeom& g, const void* in) {
  return t.q8() && uk.k_block && g.taps() == 1 && g.stride_h == 1 && g.stride_w == 1 &&
         g.in_h == g.out_h && g.in_w == g.out_w && g.pad_t == 0 && g.pad_l == 0 && is_aligned(in) &&
         g.in_pixel_stride % static_cast<int64_t>(kCacheLine) == 0;
}

bool conv_needs_packing(GemmType t, const Ukernel& uk, int64_t in_c) {
  if (uk.k_block) return true;              // tile kernels read one packed row per output pixel
  if (t.a == AType::f32) return in_c < 48;  // short per-tap rows: one contiguous K row is faster
  if (t.a == AType::f16) return true;       // rows are converted to f32
  return uk.flip_signed_input || in_c % 4 != 0;  // 4-byte groups must not straddle taps
}

int64_t conv_chunk_rows(const ConvArgs& a) {
  int64_t row_bytes = std::max<int64_t>(1, a.w->k_padded * a_elem_bytes(a.w->type));
  int64_t mr = a.w->uk.mr;
  // Few rows (the 8x8 layers at batch 1): one chunk of all of them, so every weight panel is
  // read from memory once and reused by every row tile, instead of once per chunk.
  const int64_t all = (a.g.m() + mr - 1) / mr * mr;
  if (a.g.m() <= kFewRows && all * row_bytes <= (2 << 20)) return all;
  int64_t tiles = std::clamp<int64_t>((256 << 10) / (row_bytes * mr), 1, 16);
  return tiles * mr;
}

size_t conv_scratch_bytes(const ConvArgs& a, int64_t rows) {
  const int64_t mr = a.w->uk.mr;
  int64_t tiles = (rows + mr - 1) / mr;
  size_t ptrs = tiles * a.g.taps() * mr * sizeof(void*) + a.g.taps() * sizeof(int64_t);
  const bool packs = a.pack_a || a.row_taps || a.rows_in_place;  // in place: the last tiles
  size_t packed = packs ? tiles * mr * packed_row_elems(a) * a_elem_bytes(a.w->type) : 0;
  return ptrs + packed + 64;
}

void conv_run(const ConvArgs& a, int64_t m_begin, int64_t m_end, int64_t p_begin, int64_t p_end,
              void* scratch) {
  const ConvGeom& g = a.g;
  const Ukernel& uk = a.w->uk;
  const int mr = uk.mr, nr = uk.nr;
  const int64_t rows = m_end - m_begin;
  const int64_t tiles = (rows + mr - 1) / mr;
  const int taps = static_cast<int>(kernel_taps(a));
  const void** ptrs = static_cast<const void**>(scratch);
  int64_t* offsets = reinterpret_cast<int64_t*>(ptrs + tiles * taps * mr);
  uint8_t* packed = align_up(reinterpret_cast<uint8_t*>(offsets + g.taps()));  // (+64 in scratch)
  tap_offsets(a, offsets);
  const int64_t row_bytes = packed_row_elems(a) * a_elem_bytes(a.w->type);
  // Rows read in place (q8: elements are bytes): tiles whose mr rows' row_bytes reads end within
  // the last pixel's channels.
  const int64_t last_read = (g.m() - 1) * g.in_pixel_stride + g.in_c;
  auto in_place = [&](int64_t m0) {
    return a.rows_in_place && (m0 + mr - 1) * g.in_pixel_stride + row_bytes <= last_read;
  };

  // Row pointers per tile: [tile][tap][r]; rows past m_end repeat the last valid row.
  OutPixel px(g, m_begin);
  for (int64_t t = 0; t < tiles; ++t) {
    const void** tile = ptrs + t * taps * mr;
    const int valid = static_cast<int>(std::min<int64_t>(mr, m_end - m_begin - t * mr));
    const int64_t m0 = m_begin + t * mr;
    if (in_place(m0)) {
      tile[0] = static_cast<const uint8_t*>(a.in) + m0 * g.in_pixel_stride;
      continue;
    }
    if (a.rows_in_place) px = OutPixel(g, m0);  // earlier tiles did not step it
    if (!a.pack_a && !a.rows_in_place) {
      tile_rows(a, px, valid, offsets, tile, packed + t * mr * row_bytes, row_bytes);
      continue;
    }
    for (int r = 0; r < mr; ++r) {
      if (r >= valid) {
        tile[r] = tile[r - 1];
        continue;
      }
      uint8_t* dst = packed + (t * mr + r) * row_bytes;
      pack_row(a, px, dst);
      tile[r] = dst;
      px.next(g);
    }
  }

  const bool is_q8 = a.w->type.q8();
  const int ob = out_elem_bytes(a.w->type);
  if (uk.prepare) uk.prepare();
  UkernelArgs u;
  u.taps = taps;
  u.kc = kernel_kc(a);
  u.ldc = g.out_pixel_stride;
  u.lo = a.lo;
  u.hi = a.hi;
  u.zero = a.out_zero;
  u.mr = mr;
  u.nr = nr;
  u.a_kstep = uk.k_block;  // tile kernels: K blocks of k_block bytes, rows lda apart
  for (int64_t p = p_begin; p < p_end; ++p) {
    u.n = static_cast<int>(std::min<int64_t>(nr, a.w->n - p * nr));
    u.b = a.w->panel(p);
    if (is_q8) {
      u.bias = a.w->bias_s32.data() + p * nr;
      u.scale = a.w->scale.data() + p * nr;
    } else {
      u.bias = a.w->bias_f32.data() + p * nr;
    }
    for (int64_t t = 0; t < tiles; ++t) {
      int64_t m0 = m_begin + t * mr;
      u.m = static_cast<int>(std::min<int64_t>(mr, m_end - m0));
      u.a = ptrs + t * taps * mr;
      u.lda = in_place(m0) ? g.in_pixel_stride : row_bytes;
      u.c = static_cast<uint8_t*>(a.out) + (m0 * g.out_pixel_stride + p * nr) * ob;
      uk.fn(u);
    }
  }
}

}  // namespace qcc::kernels
