// Hostile images and folders: dimensions are checked from the header before decoding, a bad image
// is skipped and counted by the loader (never fatal), and folder entries that cannot be examined
// are skipped.
#include <gtest/gtest.h>
#include <stb/stb_image_write.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "onnx_builder.h"
#include "runtime/batch_loader.h"
#include "runtime/image_folder.h"

namespace qcc {
namespace {

namespace fs = std::filesystem;

std::string png_bytes(int w, int h) {
  std::vector<uint8_t> px(static_cast<size_t>(w) * h, 128);
  std::string out;
  stbi_write_png_to_func(
      [](void* ctx, void* data, int size) {
        static_cast<std::string*>(ctx)->append(static_cast<char*>(data), size);
      },
      &out, w, h, 1, px.data(), w);
  return out;
}

// A valid small PNG whose IHDR then claims w x h (stb_image does not check the CRC).
std::string png_claiming(uint32_t w, uint32_t h) {
  std::string png = png_bytes(1, 1);
  for (int i = 0; i < 4; ++i) {
    png[16 + i] = static_cast<char>(w >> (24 - 8 * i));
    png[20 + i] = static_cast<char>(h >> (24 - 8 * i));
  }
  return png;
}

std::string decode(const std::string& bytes, Preprocess p = {}) {
  std::vector<float> out(3 * static_cast<size_t>(p.crop) * p.crop);
  return decode_image(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), p, out.data());
}

TEST(HostileImageTest, PngBombIsRejectedFromTheHeaderInstantly) {
  const std::string bomb = png_bytes(60000, 1);  // resizing its 1-pixel side to 342 asks for 21 GB
  EXPECT_LT(bomb.size(), 1000u);
  const fs::path dir = test::temp_folder("bomb");
  std::ofstream(dir / "bomb.png", std::ios::binary) << bomb;
  std::vector<float> out(3 * 299 * 299);
  auto t0 = std::chrono::steady_clock::now();
  std::string why = load_image((dir / "bomb.png").string(), Preprocess{}, out.data());
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_NE(why.find("resizes to 20520000x342 pixels, over the limit"), std::string::npos) << why;
  EXPECT_LT(s, 0.1);
  EXPECT_NE(decode(png_claiming(10000, 10000)).find("image of 10000x10000 pixels, over the limit"),
            std::string::npos);
}

TEST(HostileImageTest, PixelLimitIsConfigurable) {
  const std::string photo = png_bytes(400, 350);
  EXPECT_EQ(decode(photo), "");
  Preprocess small;
  small.max_pixels = 100000;
  EXPECT_NE(decode(photo, small).find("over the limit of 100000"), std::string::npos);
}

TEST(HostileImageTest, HeaderWithoutPixelsIsAReasonNotADivision) {  // found by fuzz_image
  EXPECT_NE(decode("P6\n\x81\x91 junk"), "");
  EXPECT_NE(decode(""), "");
}

TEST(HostileImageTest, LoaderSkipsAndCountsBombsSpecialFilesAndMissingPaths) {
  const fs::path dir = test::temp_folder("loader");
  std::ofstream(dir / "good.png", std::ios::binary) << png_bytes(320, 300);
  std::ofstream(dir / "bomb.png", std::ios::binary) << png_bytes(60000, 1);
  std::ofstream(dir / "lie.png", std::ios::binary) << png_claiming(9000, 9000);
  fs::create_directories(dir / "folder.png");
  const std::vector<std::string> paths = {(dir / "bomb.png").string(),
                                          (dir / "good.png").string(),
                                          (dir / "lie.png").string(),
                                          (dir / "folder.png").string(),
                                          "/dev/zero",
                                          (dir / "missing.png").string()};
  std::vector<size_t> ok;
  size_t failed = 0;
  for_each_batch(paths, 4, Preprocess{}, 1, [&](Batch& b) {
    ok.insert(ok.end(), b.indices.begin(), b.indices.end());
    failed += b.failed.size();
    for (auto& [i, why] : b.failed) EXPECT_EQ(why.find('\n'), std::string::npos);
  });
  EXPECT_EQ(ok, std::vector<size_t>{1});
  EXPECT_EQ(failed, 5u);
}

TEST(HostileImageTest, SymlinkLoopInAFolderIsSkipped) {
  const fs::path dir = test::temp_folder("loop");
  fs::create_directories(dir / "cls");
  std::ofstream(dir / "cls" / "a.png", std::ios::binary) << png_bytes(320, 300);
  fs::create_symlink("loop.png", dir / "cls" / "loop.png");  // points at itself
  fs::create_symlink(dir / "cls", dir / "cls" / "again");    // a folder cycle
  fs::create_symlink("loopdir", dir / "loopdir");            // a class entry that loops
  ImageFolder f = read_image_folder(dir.string());
  ASSERT_EQ(f.images.size(), 1u);
  EXPECT_EQ(f.classes, std::vector<std::string>{"cls"});
  EXPECT_EQ(find_images(dir.string()).size(), 1u);
}

// Found by fuzz_image in Debian's stb_image 2.27: a JPEG Huffman table of more than 256 codes
// overflows its tables, a PNM header number of 10+ digits overflows an int, and a 16-bit PNM is
// converted as 8-bit, then read past its end.
TEST(HostileImageTest, InputsThatCrashStbImageAreRefusedFirst) {
  std::string dht = "\xff\xd8\xff\xc4";
  dht += std::string("\x01\x13", 2) + std::string(1, '\0') + std::string(16, '\xff') +
         std::string(300, '\x07');
  EXPECT_NE(decode(dht).find("Huffman table with more than 256 codes"), std::string::npos);
  EXPECT_NE(decode("\xff\xff" + dht).find("more than 256 codes"),
            std::string::npos);  // fill bytes first
  // A segment whose last table is cut short by the end of the file: stb_image reads zeros on.
  EXPECT_NE(decode("\xff\xd8\xff\xc4\x01\x00" + std::string(1, '\0') + std::string(3, '\xff'))
                .find("more than 256"),
            std::string::npos);
  EXPECT_NE(decode("P6\n# big\n99999999999 2\n255\n").find("number too long"), std::string::npos);
  EXPECT_NE(decode("P554 554 \n\n524\n" + std::string(1000, '\x80')).find("16-bit PNM"),
            std::string::npos);
  std::string jpg;
  std::vector<uint8_t> px(320 * 300 * 3, 90);
  stbi_write_jpg_to_func(
      [](void* ctx, void* data, int size) {
        static_cast<std::string*>(ctx)->append(static_cast<char*>(data), size);
      },
      &jpg, 320, 300, 3, px.data(), 80);
  EXPECT_EQ(decode(jpg), "");  // real JPEGs still decode
  // A zero-length IDAT chunk: stb_image copies 0 bytes to a null buffer (benign, built without
  // the nonnull check); the truncated image is then a reason.
  std::string png = png_bytes(40, 30);
  png.insert(33, std::string("\0\0\0\0IDAT\0\0\0\0", 12));
  EXPECT_NE(decode(png.substr(0, 45) + "x^cd`"), "");
  EXPECT_EQ(decode("P6\n320 300\n255\n" + std::string(320 * 300 * 3, '\x40')), "");
}

}  // namespace
}  // namespace qcc
