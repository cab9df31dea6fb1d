// stb_image's implementation, in a file of its own: it is third-party code built with the
// options below, and (under QCC_SANITIZE) without UBSan's nonnull-attribute check, because
// Debian's stb_image 2.27 calls memcpy(NULL, p, 0) for a zero-length PNG chunk -- no memory is
// touched, but the check would report it (found by fuzz_image). Real overflows it has are refused
// before decoding (stb_guard.h).
#define STB_IMAGE_IMPLEMENTATION
#define STBI_FAILURE_USERMSG
// Only the formats qcc lists as images (image_folder.h): every other decoder is attack surface.
#define STBI_ONLY_JPEG
#define STBI_ONLY_PNG
#define STBI_ONLY_BMP
#define STBI_ONLY_PNM
#include <stb/stb_image.h>
