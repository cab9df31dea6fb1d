// Inputs that Debian's stb_image (2.27, git 2022-09-08) mishandles, refused before it sees them.
// Found by fuzz_image; upstream fixed both later, but qcc uses the packaged header.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace qcc {

/// Empty when stb_image may decode `data`, else the reason it may not:
///  * a JPEG Huffman table whose 16 code counts sum to more than 256 (corrupt by the JPEG spec):
///    stb_image writes that many entries into 256-entry tables (a heap overflow);
///  * a PNM header number longer than 9 digits: stb_image's int overflows (undefined behaviour);
///  * a 16-bit PNM (maximum value above 255): stb_image converts it to RGB as 8-bit samples and
///    then reads past the converted buffer (a heap overflow).
std::string stb_input_problem(const uint8_t* data, size_t size);

}  // namespace qcc
