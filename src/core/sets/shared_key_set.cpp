#include "jsift/sets/shared_key_set.hpp"

#include <array>
#include <cstdint>
#include <vector>

namespace jsift {

struct alignas(64) shared_key_set::partition {
  std::mutex m;
  key_set set;
};

shared_key_set::shared_key_set(memory_budget* budget) : parts_(new partition[partitions]) {
  for (unsigned p = 0; p < partitions; ++p) parts_[p].set = key_set(false, budget);
}
shared_key_set::~shared_key_set() = default;
shared_key_set::shared_key_set(shared_key_set&&) noexcept = default;
shared_key_set& shared_key_set::operator=(shared_key_set&&) noexcept = default;

void shared_key_set::insert(const hash128* keys, size_t n, bool* fresh) {
  if (n == 0) return;
  // Counting sort of the batch's positions by partition: stable, so a key
  // repeated within the batch meets its first place first.
  thread_local std::vector<uint32_t> order;
  std::array<uint32_t, partitions + 1> start{};
  for (size_t i = 0; i < n; ++i) ++start[partition_of(keys[i]) + 1];
  for (unsigned p = 0; p < partitions; ++p) start[p + 1] += start[p];
  order.resize(n);
  std::array<uint32_t, partitions> at;
  for (unsigned p = 0; p < partitions; ++p) at[p] = start[p];
  for (size_t i = 0; i < n; ++i) order[at[partition_of(keys[i])]++] = uint32_t(i);

  for (unsigned p = 0; p < partitions; ++p) {
    const uint32_t b = start[p], e = start[p + 1];
    if (b == e) continue;
    partition& part = parts_[p];
    std::lock_guard<std::mutex> lock(part.m);
    for (uint32_t k = b; k < e; ++k) {
      if (k + 8 < e) part.set.prefetch(keys[order[k + 8]]);
      const uint32_t i = order[k];
      const bool added = part.set.insert(keys[i]);
      if (fresh) fresh[i] = added;
    }
  }
}

void shared_key_set::reserve(size_t n) {
  // Keys spread evenly over the partitions; a little slack for the unevenness.
  const size_t each = n / partitions + n / partitions / 16 + 1;
  for (unsigned p = 0; p < partitions; ++p) {
    std::lock_guard<std::mutex> lock(parts_[p].m);
    parts_[p].set.reserve(each);
  }
}

size_t shared_key_set::size() const {
  size_t s = 0;
  for (unsigned p = 0; p < partitions; ++p) s += parts_[p].set.size();
  return s;
}

size_t shared_key_set::memory_bytes() const {
  size_t s = 0;
  for (unsigned p = 0; p < partitions; ++p) s += parts_[p].set.memory_bytes();
  return s;
}

}  // namespace jsift
