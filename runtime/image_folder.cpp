#include "runtime/image_folder.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <stdexcept>

namespace fs = std::filesystem;

namespace qcc {

bool is_image_file(const std::string& name) {
  std::string ext = fs::path(name).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext == ".jpg" || ext == ".jpeg" || ext == ".png" || ext == ".bmp" || ext == ".ppm" ||
         ext == ".pgm";
}

ImageFolder read_image_folder(const std::string& dir) {
  if (!fs::is_directory(dir)) throw std::runtime_error(dir + ": no such folder");
  ImageFolder f;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_directory()) f.classes.push_back(e.path().filename().string());
  if (f.classes.empty()) throw std::runtime_error(dir + ": no class sub-folders (expected DIR/<class>/<image>)");
  std::sort(f.classes.begin(), f.classes.end());
  for (size_t c = 0; c < f.classes.size(); ++c) {
    std::vector<std::string> files;
    for (const auto& e : fs::recursive_directory_iterator(fs::path(dir) / f.classes[c]))
      if (e.is_regular_file() && is_image_file(e.path().string())) files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    if (files.empty()) f.empty_classes.push_back(f.classes[c]);
    for (auto& p : files) f.images.push_back({p, static_cast<int>(c)});
  }
  return f;
}

std::vector<std::string> find_images(const std::string& dir) {
  if (!fs::is_directory(dir)) throw std::runtime_error(dir + ": no such folder");
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file() && is_image_file(e.path().string())) out.push_back(e.path().string());
  if (out.empty()) throw std::runtime_error(dir + ": no images found");
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> spread_sample(const std::vector<std::string>& all, size_t count) {
  if (count >= all.size()) return all;
  std::vector<std::string> out;
  for (size_t i = 0; i < count; ++i) out.push_back(all[i * all.size() / count]);
  return out;
}

}  // namespace qcc
