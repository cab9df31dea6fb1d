// Shared by the fuzz targets: a folder with a small external-data file, so that fuzzed models and
// tensors can reach the external data reader (and try to leave the folder).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <exception>
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

/// A rejection must say what was wrong: an exception straight from the standard library
/// (std::bad_alloc, vector::reserve, _M_range_check, stoll, map::at...) reaching the user without
/// file or node context is a bug, reported as a crash.
inline void check_rejection(const std::exception& e) {
  const std::string what = e.what();
  for (const char* bare :
       {"std::", "vector::", "basic_string", "_M_", "stoll", "stoi", "map::at", "bad_"})
    if (what.find(bare) != std::string::npos) {
      std::fprintf(stderr, "bare library exception: %s\n", what.c_str());
      std::abort();
    }
}

}  // namespace qcc::fuzz
