// Helpers of the command-line tests: run qcc in-process as main does, check one-line failures,
// read files, write small PNGs.
#pragma once

#include <gtest/gtest.h>
#include <stb/stb_image_write.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.h"

namespace qcc::test {

struct Result {
  int code;
  std::string out, err;
};

/// Runs `qcc ARGS...` through run_qcc, capturing standard output and the error stream.
inline Result qcc(std::vector<std::string> args) {
  args.insert(args.begin(), "qcc");
  std::vector<char*> argv;
  for (auto& s : args) argv.push_back(s.data());
  std::ostringstream out, err;
  std::streambuf* old = std::cout.rdbuf(out.rdbuf());
  int code = run_qcc(static_cast<int>(argv.size()), argv.data(), err);
  std::cout.rdbuf(old);
  return {code, out.str(), err.str()};
}

/// A failure reported on one line (plus the usage line for usage errors) containing `part`.
inline void expect_failure(const Result& r, int code, const std::string& part) {
  EXPECT_EQ(r.code, code) << r.err;
  EXPECT_NE(r.err.find(part), std::string::npos) << "'" << part << "' in: " << r.err;
  const size_t lines = std::count(r.err.begin(), r.err.end(), '\n');
  EXPECT_EQ(lines, code == 2 ? 2u : 1u) << r.err;
}

inline std::string read(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(f)), {});
}

/// A w x h RGB PNG; `shade` shifts the colour balance, so classifiers tell images apart.
inline void write_png(const std::filesystem::path& p, int w, int h, int shade = 0) {
  std::vector<uint8_t> px(static_cast<size_t>(w) * h * 3);
  for (size_t i = 0; i < px.size(); ++i)
    px[i] = static_cast<uint8_t>((i % 251 + shade * 41 * (i % 3)) % 256);
  ASSERT_TRUE(stbi_write_png(p.c_str(), w, h, 3, px.data(), w * 3));
}

}  // namespace qcc::test
