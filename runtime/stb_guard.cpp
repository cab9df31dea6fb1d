#include "runtime/stb_guard.h"

#include <algorithm>
#include <cctype>

namespace qcc {

namespace {

// Where the markers after SOI begin if stb_image would read `p` as a JPEG (SOI may follow any
// number of 0xFF fill bytes), else 0.
size_t jpeg_body(const uint8_t* p, size_t n) {
  size_t i = 0;
  while (i < n && p[i] == 0xFF) ++i;
  return i > 0 && i < n && p[i] == 0xD8 ? i + 1 : 0;
}

// Walks the JPEG markers from `i` (skipping entropy-coded data to the next real marker, as
// decoders do) and checks every table of every DHT segment.
bool jpeg_huffman_tables_ok(const uint8_t* p, size_t n, size_t i) {
  while (i + 4 <= n) {
    const uint8_t m = p[i + 1];
    // Entropy-coded data, fill bytes, stuffed zeros, RSTn, SOI/EOI and TEM carry no length.
    if (p[i] != 0xFF || m == 0xFF) {
      ++i;
      continue;
    }
    if (m == 0x00 || m == 0x01 || (m >= 0xD0 && m <= 0xD9)) {
      i += 2;
      continue;
    }
    const size_t len = size_t{p[i + 2]} << 8 | p[i + 3];
    if (m == 0xC4) {
      // Tables follow each other while the segment lasts; stb_image reads a table cut short by the
      // end of the data with zeros for the missing bytes, so the counts present must fit too.
      for (size_t t = i + 4; t < std::min(n, i + 2 + len);) {
        size_t codes = 0;
        for (size_t k = t + 1; k <= t + 16 && k < n; ++k) codes += p[k];
        if (codes > 256) return false;
        t += 17 + codes;
      }
    }
    i += len < 2 ? 2 : 2 + len;
  }
  return true;
}

// The three header numbers of a binary PNM (P5/P6) after whitespace and # comments, as stb_image
// reads them: none may have more than 9 digits, and the last (the maximum value) must make 8-bit
// samples -- stb_image converts 16-bit samples to RGB as if they were 8-bit, then reads twice the
// bytes it converted.
std::string pnm_problem(const uint8_t* p, size_t n) {
  size_t i = 2;
  uint64_t value = 0;
  for (int number = 0; number < 3; ++number) {
    while (i < n && (std::isspace(p[i]) || p[i] == '#')) {
      if (p[i] == '#')
        while (i < n && p[i] != '\n' && p[i] != '\r') ++i;
      else
        ++i;
    }
    size_t digits = 0;
    for (value = 0; i < n && std::isdigit(p[i]); ++i, ++digits) value = value * 10 + (p[i] - '0');
    if (digits > 9) return "corrupt PNM header (number too long)";
  }
  return value > 255 ? "16-bit PNM is not supported" : "";
}

}  // namespace

std::string stb_input_problem(const uint8_t* data, size_t size) {
  if (size_t body = jpeg_body(data, size); body && !jpeg_huffman_tables_ok(data, size, body))
    return "corrupt JPEG (Huffman table with more than 256 codes)";
  if (size >= 2 && data[0] == 'P' && (data[1] == '5' || data[1] == '6'))
    return pnm_problem(data, size);
  return {};
}

}  // namespace qcc
