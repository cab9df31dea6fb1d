#include "frontend/file_io.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "ir/printable.h"

namespace fs = std::filesystem;

namespace qcc {

namespace {

std::string system_error(const std::string& path, const char* what) {
  return printable(path) + ": " + what + " (" + std::strerror(errno) + ")";
}

// Streams `write` into `file`, checking the stream after writing, flushing and closing.
void write_checked(const std::string& file, const std::string& shown,
                   const std::function<void(std::ostream&)>& write) {
  errno = 0;
  std::ofstream f(file, std::ios::binary | std::ios::trunc);
  if (!f) throw std::runtime_error(system_error(shown, "cannot open for writing"));
  write(f);
  f.flush();
  if (!f) throw std::runtime_error(system_error(shown, "cannot write"));
  f.close();
  if (f.fail()) throw std::runtime_error(system_error(shown, "cannot close"));
}

// A new, empty file next to `target` (created with O_EXCL, so never someone else's file).
std::string create_temp_beside(const fs::path& target) {
  static std::atomic<int> counter{0};
  const fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::string name = ".";
    name += target.filename().string();
    name += ".tmp" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    const fs::path tmp = dir / name;
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0) {
      ::close(fd);
      return tmp.string();
    }
    if (errno != EEXIST) break;
  }
  throw std::runtime_error(system_error(target.string(), "cannot create a temporary file beside"));
}

}  // namespace

void write_file(const std::string& path, const std::function<void(std::ostream&)>& write) {
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (fs::exists(st) && !fs::is_regular_file(st)) {
    if (fs::is_directory(st))
      throw std::runtime_error(printable(path) + ": is a folder, not a file");
    write_checked(path, path, write);
    return;
  }
  const std::string tmp = create_temp_beside(path);
  try {
    write_checked(tmp, path, write);
    fs::rename(tmp, path);
  } catch (const fs::filesystem_error& e) {
    fs::remove(tmp, ec);
    throw std::runtime_error(printable(path) + ": cannot replace (" + e.code().message() + ")");
  } catch (...) {
    fs::remove(tmp, ec);
    throw;
  }
}

uint64_t regular_file_size(const std::string& path, uint64_t max_bytes) {
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (!fs::exists(st)) throw std::runtime_error(printable(path) + ": cannot open file");
  if (!fs::is_regular_file(st)) throw std::runtime_error(printable(path) + ": not a regular file");
  const uint64_t size = fs::file_size(path, ec);
  if (ec) throw std::runtime_error(printable(path) + ": cannot read (" + ec.message() + ")");
  if (size > max_bytes)
    throw std::runtime_error(printable(path) + ": " + std::to_string(size) +
                             " bytes, over the limit of " + std::to_string(max_bytes));
  return size;
}

bool same_file(const std::string& a, const std::string& b) {
  std::error_code ec;
  return fs::equivalent(a, b, ec) && !ec;
}

}  // namespace qcc
