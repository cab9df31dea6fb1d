#include "runtime/image_folder.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <stdexcept>

#include "ir/printable.h"

namespace fs = std::filesystem;

namespace qcc {

bool is_image_file(const std::string& name) {
  std::string ext = fs::path(name).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext == ".jpg" || ext == ".jpeg" || ext == ".png" || ext == ".bmp" || ext == ".ppm" ||
         ext == ".pgm";
}

namespace {

// Image files under `dir`, recursively, sorted. An entry that cannot be examined (a symbolic link
// loop, a dangling link, a folder without permission) is skipped: one bad entry must not abort
// an evaluation of thousands of images.
std::vector<std::string> images_under(const fs::path& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
       !ec && it != end; it.increment(ec)) {
    std::error_code entry_ec;
    if (it->is_regular_file(entry_ec) && is_image_file(it->path().string())) out.push_back(it->path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

ImageFolder read_image_folder(const std::string& dir) {
  if (!fs::is_directory(dir)) throw std::runtime_error(printable(dir) + ": no such folder");
  ImageFolder f;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code entry_ec;
    if (it->is_directory(entry_ec)) f.classes.push_back(it->path().filename().string());
  }
  if (f.classes.empty())
    throw std::runtime_error(printable(dir) + ": no class sub-folders (expected DIR/<class>/<image>)");
  std::sort(f.classes.begin(), f.classes.end());
  for (size_t c = 0; c < f.classes.size(); ++c) {
    std::vector<std::string> files = images_under(fs::path(dir) / f.classes[c]);
    if (files.empty()) f.empty_classes.push_back(f.classes[c]);
    for (auto& p : files) f.images.push_back({p, static_cast<int>(c)});
  }
  return f;
}

std::vector<std::string> find_images(const std::string& dir) {
  if (!fs::is_directory(dir)) throw std::runtime_error(printable(dir) + ": no such folder");
  std::vector<std::string> out = images_under(dir);
  if (out.empty()) throw std::runtime_error(printable(dir) + ": no images found");
  return out;
}

std::vector<std::string> spread_sample(const std::vector<std::string>& all, size_t count) {
  if (count >= all.size()) return all;
  std::vector<std::string> out;
  for (size_t i = 0; i < count; ++i) out.push_back(all[i * all.size() / count]);
  return out;
}

}  // namespace qcc
