// stb_image's implementation, in a file of its own: it is third-party code built with the
// options below, and (under QCC_SANITIZE) without two UBSan checks for what Debian's stb_image
// 2.27 does on corrupt files without touching memory (both found by fuzz_image): nonnull-attribute,
// because it calls memcpy(NULL, p, 0) for a zero-length PNG chunk, and shift-exponent, because a
// JPEG whose entropy data runs out mid-block drives its bit count below zero and shifts a 32-bit
// word by 32 (stb issue #1293, fixed in 2.28): the bits it decodes are garbage, of a file that is
// garbage. AddressSanitizer still covers the whole decoder. Real overflows it has are refused
// before decoding (stb_guard.h).
#define STB_IMAGE_IMPLEMENTATION
#define STBI_FAILURE_USERMSG
// Only the formats qcc lists as images (image_folder.h): every other decoder is attack surface.
#define STBI_ONLY_JPEG
#define STBI_ONLY_PNG
#define STBI_ONLY_BMP
#define STBI_ONLY_PNM
#include <stb/stb_image.h>
