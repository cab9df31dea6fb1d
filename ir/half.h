// IEEE binary16 <-> float, round to nearest even. The scalar definition shared by the IR
// (constant data) and the kernels' references; vector kernels use F16C instructions.
#pragma once

#include <cstdint>

namespace qcc {

uint16_t float_to_half(float f);
float half_to_float(uint16_t h);

}  // namespace qcc
