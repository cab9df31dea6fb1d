// FP32 -> FP16 rewrite; see convert_fp16.cpp.
#pragma once

#include "ir/graph.h"

namespace qcc {

struct Fp16Report {
  int64_t weights = 0;    ///< constants converted
  int64_t overflow = 0;   ///< finite values beyond the f16 range (became +-inf)
  int64_t underflow = 0;  ///< non-zero values that became zero
  int64_t casts = 0;      ///< Cast nodes inserted
};

bool run_convert_fp16(Graph& g, Fp16Report* report);

}  // namespace qcc
