// AMX tile configuration is per-thread state that any code on the thread (another library using
// AMX) may change: every AMX kernel (the int8 GEMMs, the peak loop) runs under one configuration,
// loaded before each run of calls (Ukernel::prepare), never assumed to have survived.
#pragma once

namespace qcc::kernels {

/// Loads the palette-1 configuration, 8 tiles of 16 rows x 64 bytes, on the calling thread. Only
/// for CPUs with AMX whose OS granted the tile state.
void configure_amx_tiles();

}  // namespace qcc::kernels
