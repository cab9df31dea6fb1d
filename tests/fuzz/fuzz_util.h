// Shared by the fuzz targets: a folder with a small external-data file, so that fuzzed models and
// tensors can reach the external data reader (and try to leave the folder).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <typeinfo>

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

/// A rejection must come from qcc's checks, which throw std::runtime_error with the file, node or
/// rule in the message: an exception straight from the standard library (std::bad_alloc,
/// std::length_error from vector::reserve, std::out_of_range from _M_range_check or map::at,
/// std::invalid_argument from stoll, std::filesystem_error) reaching the user without that
/// context is a bug, reported as a crash.
inline void check_rejection(const std::exception& e) {
  if (typeid(e) == typeid(std::runtime_error)) return;
  std::fprintf(stderr, "bare library exception (%s): %s\n", typeid(e).name(), e.what());
  std::abort();
}

}  // namespace qcc::fuzz
