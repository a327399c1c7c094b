// src/core/sets/partitions.hpp (private to sets/) — how the thread-safe sets
// (shared_key_set, ordered_key_set) split keys into partitions: by the top six
// bits of `lo` (key_set places keys by `hi`), and a stable counting sort of a
// batch's positions by partition, so keys repeated within a batch keep their
// order. Pure functions.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "jsift/json/value_hash.hpp"

namespace jsift::detail {

constexpr unsigned key_partitions = 64;
inline unsigned partition_of(const hash128& h) { return unsigned(h.lo >> 58); }

// Positions of keys[0..n) in `order`, partition by partition; partition p's
// are order[start[p]] .. order[start[p + 1] - 1], in batch order.
inline void sort_by_partition(const hash128* keys, size_t n, std::vector<uint32_t>& order,
                              std::array<uint32_t, key_partitions + 1>& start) {
  start.fill(0);
  for (size_t i = 0; i < n; ++i) ++start[partition_of(keys[i]) + 1];
  for (unsigned p = 0; p < key_partitions; ++p) start[p + 1] += start[p];
  std::array<uint32_t, key_partitions> at;
  for (unsigned p = 0; p < key_partitions; ++p) at[p] = start[p];
  order.resize(n);
  for (size_t i = 0; i < n; ++i) order[at[partition_of(keys[i])]++] = uint32_t(i);
}

}  // namespace jsift::detail
