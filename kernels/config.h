// The kernel configuration: for every kernel family, the variant this CPU runs, chosen once at
// start-up from the CPU's features (XNNPACK's config tables). QCC_ISA=scalar|avx2|avx2vnni|
// avx512vnni|amx in the environment caps every family at once. Callers go through the families'
// public functions (pool.h, convert.h, winograd.h) or read gemm here; nothing else picks an ISA.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "kernels/gemm_ukernel.h"
#include "kernels/pool.h"

namespace qcc::kernels {

struct PoolKernels {
  const char* isa;
  void (*maxpool_f32)(const PoolGeom&, const float*, float*, int64_t, int64_t);
  void (*avgpool_f32)(const PoolGeom&, const float*, float*, int64_t, int64_t);
  void (*maxpool_f16)(const PoolGeom&, const uint16_t*, uint16_t*, int64_t, int64_t);
  void (*avgpool_f16)(const PoolGeom&, const uint16_t*, uint16_t*, int64_t, int64_t);
  void (*maxpool_s8)(const PoolGeom&, const int8_t*, int8_t*, int64_t, int64_t);
  void (*maxpool_u8)(const PoolGeom&, const uint8_t*, uint8_t*, int64_t, int64_t);
  void (*avgpool_s8)(const PoolGeom&, const int8_t*, int8_t*, const QuantPair&, int64_t, int64_t);
  void (*avgpool_u8)(const PoolGeom&, const uint8_t*, uint8_t*, const QuantPair&, int64_t, int64_t);
};

struct ConvertKernels {
  const char* isa;
  void (*f16_to_f32)(const uint16_t*, float*, int64_t);
  void (*f32_to_f16)(const float*, uint16_t*, int64_t);
  void (*quantize_s8)(const float*, int8_t*, int64_t, float scale, int32_t zero_point);
  void (*quantize_u8)(const float*, uint8_t*, int64_t, float scale, int32_t zero_point);
};

struct WinogradArgs;
struct WinogradKernels {
  const char* isa;
  /// Input transform of tiles [t0, t1) into v ([position][tile][C]); `pixels`: 16 f32 pixels.
  void (*transform)(const WinogradArgs&, int64_t t0, int64_t t1, const float* zero, float* pixels, float* v);
  /// Output transform, bias, clamp and store of tiles [t0, t1) from the products m.
  void (*finish)(const WinogradArgs&, int64_t t0, int64_t t1, const float* m, float* pixels);
};

/// ISA levels, lowest first. A level needs all of its features: avx2 = AVX2 + FMA + F16C;
/// avx2vnni = avx2 + AVX-VNNI (256-bit vpdpbusd; only the int8 GEMMs differ from avx2);
/// avx512vnni = AVX-512 F/BW/VL/DQ + VNNI (a CPU with AVX-512 but no VNNI runs avx2); amx =
/// avx512vnni + AMX-INT8 tile multiplies for the int8 GEMMs (Sapphire Rapids and later). A CPU
/// need not have every lower level (AVX-512 VNNI without AVX-VNNI: Ice Lake, Zen 4).
enum class IsaLevel {
#define QCC_ISA_LEVEL(name) name,
#include "kernels/isa_levels.def"
#undef QCC_ISA_LEVEL
};
inline constexpr IsaLevel kIsaLevels[] = {
#define QCC_ISA_LEVEL(name) IsaLevel::name,
#include "kernels/isa_levels.def"
#undef QCC_ISA_LEVEL
};
const char* isa_level_name(IsaLevel l);
/// The level called `name` (as QCC_ISA spells it); nullopt for an unknown name.
std::optional<IsaLevel> isa_level_named(const char* name);
/// Every level's name, lowest first, for messages: "scalar, avx2, ... or amx".
std::string isa_level_list();

struct KernelConfig {
  IsaLevel level;
  const UkernelSet* gemm;
  const PoolKernels* pool;
  const ConvertKernels* convert;
  const WinogradKernels* winograd;
  /// "gemm=avx512vnni pool=avx512vnni ...": what runs, family by family.
  std::string describe() const;
};

/// The configuration in use: the best level this CPU has at or below QCC_ISA's.
const KernelConfig& kernel_config();
/// The configuration of one level (tests run every level the CPU has); nullptr if it lacks it.
const KernelConfig* kernel_config_for(IsaLevel level);

// Per-family variants (one file each, compiled with that ISA's flags).
const PoolKernels& pool_kernels_scalar();
const PoolKernels& pool_kernels_avx2();
const PoolKernels& pool_kernels_avx512();
const ConvertKernels& convert_kernels_scalar();
const ConvertKernels& convert_kernels_avx2();
const WinogradKernels& winograd_kernels_scalar();
const WinogradKernels& winograd_kernels_avx2();
const WinogradKernels& winograd_kernels_avx512();

}  // namespace qcc::kernels
