// qcc calibrate: one pass of a folder of images through the FP32 model, saved as a profile that
// `qcc compile --profile` turns into INT8 models without touching images again.
#include <iostream>

#include "compiler/compile.h"
#include "runtime/image_folder.h"
#include "cli/commands.h"
#include "cli/profile_json.h"

namespace qcc {

std::vector<cli::OptionSpec> calib_folder_options() {
  return {{"calib", "DIR", "calibration images, searched recursively", ""},
          {"calib-count", "N", "images used, spread evenly over the folder", "1000", {{1, 1 << 30}}},
          {"calib-batch", "N", "images per calibration batch", "16", {{1, 4096}}}};
}

const cli::CommandSpec& calibrate_spec() {
  static const cli::CommandSpec s = [] {
    cli::CommandSpec c = {
        "calibrate", "MODEL.onnx --calib DIR -o PROFILE.json",
        "Run calibration images through the FP32 model once and save, for every float activation,\n"
        "its min/max, per-batch extremes and a 2048-bin histogram of |x| (streaming: memory does\n"
        "not grow with the number of images). `qcc compile --precision int8 --profile FILE` then\n"
        "tries any --calib-method in seconds.",
        calib_folder_options(),
        1, 1};
    c.options.insert(c.options.end(), {{"o", "PROFILE.json", "where the profile goes (required)", "", {}, true},
                                       threads_option(), max_model_bytes_option(), max_image_pixels_option()});
    return c;
  }();
  return s;
}

CalibrationProfile calibrate_folder(const Graph& g, const cli::Args& a, const std::string& model) {
  const int64_t count = a.integer("calib-count", 1000), batch = a.integer("calib-batch", 16);
  if (count < 1 || batch < 1) throw cli::UsageError("--calib-count and --calib-batch must be >= 1");
  std::vector<std::string> images = spread_sample(find_images(a.str("calib")), static_cast<size_t>(count));
  cli::Progress progress("calibrate", static_cast<int64_t>(images.size()), "img");
  CalibrationProfile p = calibrate(g, images, static_cast<int>(batch), static_cast<int>(a.integer("threads", 0)),
                                   preprocess_options(a), [&](int64_t done) { progress.set(done); });
  progress.finish();
  for (const auto& s : p.skipped) std::cerr << "skipped " << s << "\n";
  if (p.images == 0) throw std::runtime_error(a.str("calib") + ": no calibration image could be decoded");
  p.model = model;
  return p;
}

int run_calibrate(const cli::Args& a) {
  const std::string in = a.positional()[0], out = a.str("o");
  if (!a.has("calib")) throw cli::UsageError("--calib DIR is required");
  if (out.empty()) throw cli::UsageError("-o PROFILE.json is required");
  Graph g = load_for_compile(in, import_options(a));
  CalibrationProfile p = calibrate_folder(g, a, in);
  profile_to_json(p).save(out);
  std::cout << out << ": " << p.values.size() << " values from " << p.images << " images ("
            << p.skipped.size() << " skipped)\n";
  return 0;
}

}  // namespace qcc
