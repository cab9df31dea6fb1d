// The pooling entry points: each runs the variant the kernel configuration chose for this CPU
// (pool_impl.h has the bodies).
#include "kernels/pool.h"

#include "kernels/config.h"

namespace qcc::kernels {

namespace {
const PoolKernels& k() { return *kernel_config().pool; }
}  // namespace

void maxpool_nhwc_f32(const PoolGeom& g, const float* in, float* out, int64_t r0, int64_t r1) {
  k().maxpool_f32(g, in, out, r0, r1);
}
void avgpool_nhwc_f32(const PoolGeom& g, const float* in, float* out, int64_t r0, int64_t r1) {
  k().avgpool_f32(g, in, out, r0, r1);
}
void maxpool_nhwc_f16(const PoolGeom& g, const uint16_t* in, uint16_t* out, int64_t r0, int64_t r1) {
  k().maxpool_f16(g, in, out, r0, r1);
}
void avgpool_nhwc_f16(const PoolGeom& g, const uint16_t* in, uint16_t* out, int64_t r0, int64_t r1) {
  k().avgpool_f16(g, in, out, r0, r1);
}
void maxpool_nhwc_s8(const PoolGeom& g, const int8_t* in, int8_t* out, int64_t r0, int64_t r1) {
  k().maxpool_s8(g, in, out, r0, r1);
}
void maxpool_nhwc_u8(const PoolGeom& g, const uint8_t* in, uint8_t* out, int64_t r0, int64_t r1) {
  k().maxpool_u8(g, in, out, r0, r1);
}
void avgpool_nhwc_s8(const PoolGeom& g, const int8_t* in, int8_t* out, const QuantPair& q, int64_t r0, int64_t r1) {
  k().avgpool_s8(g, in, out, q, r0, r1);
}
void avgpool_nhwc_u8(const PoolGeom& g, const uint8_t* in, uint8_t* out, const QuantPair& q, int64_t r0, int64_t r1) {
  k().avgpool_u8(g, in, out, q, r0, r1);
}

}  // namespace qcc::kernels
