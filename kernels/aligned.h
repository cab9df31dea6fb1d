// Cache-line-aligned storage: tile loads (AMX) split in two when a 64-byte row straddles lines,
// which measured at about half the speed of aligned rows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <vector>

namespace qcc::kernels {

constexpr size_t kCacheLine = 64;

/// An allocator whose blocks start on a cache line (copies of the vector keep that).
template <typename T>
struct CacheAligned {
  using value_type = T;
  CacheAligned() = default;
  template <typename U>
  CacheAligned(const CacheAligned<U>&) {}
  T* allocate(size_t n) {
    return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t(kCacheLine)));
  }
  void deallocate(T* p, size_t) { ::operator delete(p, std::align_val_t(kCacheLine)); }
  template <typename U>
  bool operator==(const CacheAligned<U>&) const {
    return true;
  }
};

using AlignedBytes = std::vector<uint8_t, CacheAligned<uint8_t>>;

/// p rounded up to the next cache line.
inline uint8_t* align_up(uint8_t* p) {
  return reinterpret_cast<uint8_t*>((reinterpret_cast<uintptr_t>(p) + kCacheLine - 1) / kCacheLine *
                                    kCacheLine);
}
inline bool is_aligned(const void* p) {
  return reinterpret_cast<uintptr_t>(p) % kCacheLine == 0;
}

}  // namespace qcc::kernels
