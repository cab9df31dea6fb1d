// Image folders as evaluation and calibration read them.
#pragma once

#include <string>
#include <vector>

namespace qcc {

struct LabeledImage {
  std::string path;
  int label = -1;  ///< class index; -1 for unlabeled (calibration) images
};

struct ImageFolder {
  std::vector<std::string> classes;  ///< sub-folder names in sorted order (index = class)
  std::vector<LabeledImage> images;  ///< sorted by class, then file name
  std::vector<std::string> empty_classes;
};

/// True for file names qcc treats as images (.jpg .jpeg .png .bmp .ppm .pgm, any case).
bool is_image_file(const std::string& name);

/// ImageNet-style folder: one sub-folder per class, class index = position of its name in sorted
/// order (torchvision's ImageFolder convention). Throws naming the folder if it is missing or has
/// no class folders; empty class folders are reported, not fatal.
ImageFolder read_image_folder(const std::string& dir);

/// Every image file under `dir` (recursively), sorted; throws if the folder is missing or holds
/// no images.
std::vector<std::string> find_images(const std::string& dir);

/// `count` paths spread evenly over `all` (all of them if count >= size), reproducibly.
std::vector<std::string> spread_sample(const std::vector<std::string>& all, size_t count);

}  // namespace qcc
