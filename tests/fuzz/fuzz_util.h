// Shared by the fuzz targets: a folder with a small external-data file, so that fuzzed models and
// tensors can reach the external data reader (and try to leave the folder).
#pragma once

#include <filesystem>
#include <fstream>
#include <string>

namespace qcc::fuzz {

inline const std::string& data_dir() {
  static const std::string dir = [] {
    auto d = std::filesystem::temp_directory_path() / "qcc_fuzz_data";
    std::filesystem::create_directories(d / "sub");
    std::ofstream(d / "w.bin", std::ios::binary) << std::string(256, '\x3f');
    std::ofstream(d / "sub" / "w.bin", std::ios::binary) << std::string(64, '\x01');
    return d.string();
  }();
  return dir;
}

}  // namespace qcc::fuzz
