// AMX tile configuration is per-thread state: every AMX kernel (the int8 GEMMs, the peak loop)
// runs under one configuration, loaded once per thread, so none can invalidate another's.
#pragma once

namespace qcc::kernels {

/// Loads the palette-1 configuration, 8 tiles of 16 rows x 64 bytes, on the calling thread (once;
/// later calls return at once). Only for CPUs with AMX whose OS granted the tile state.
void configure_amx_tiles();

}  // namespace qcc::kernels
