#include <stdexcept>

#include "ir/verifier.h"
#include "passes/pass.h"

namespace qcc {

void run_pipeline(Graph& g, const std::vector<PassInfo>& passes, const PassContext& ctx) {
  for (const PassInfo& p : passes) {
    p.run(g, ctx);
    if (!ctx.verify) continue;
    std::string err = verify(g);
    if (!err.empty()) throw std::runtime_error(std::string("after pass ") + p.name + ": " + err);
  }
}

const std::vector<PassInfo>& optimize_pipeline() {
  static const std::vector<PassInfo> p = {
      {"dead_code", run_dead_code},
      {"constant_fold", run_constant_fold},
      {"fold_input_affine", run_fold_input_affine},
      {"fold_batchnorm", run_fold_batchnorm},
      {"fold_pad", run_fold_pad},
      {"fuse_activation", run_fuse_activation},
      {"dead_code", run_dead_code},
  };
  return p;
}

const std::vector<PassInfo>& lower_pipeline() {
  static const std::vector<PassInfo> p = {
      {"lower_qdq", run_lower_qdq},
      {"fold_constant_dequantize", run_fold_constant_dequantize},
      {"unsigned_conv_input", run_unsigned_conv_input},
      {"layout_nhwc", run_layout_nhwc},
      {"dead_code", run_dead_code},
  };
  return p;
}

}  // namespace qcc
