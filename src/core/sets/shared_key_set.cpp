#include "jsift/sets/shared_key_set.hpp"

#include "partitions.hpp"

#include <array>
#include <cstdint>
#include <vector>

namespace jsift {

static_assert(shared_key_set::partitions == detail::key_partitions);

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
  // By partition, stably: a key repeated within the batch meets its first place first.
  thread_local std::vector<uint32_t> order;
  std::array<uint32_t, partitions + 1> start;
  detail::sort_by_partition(keys, n, order, start);

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

void shared_key_set::for_each(const std::function<void(const hash128&)>& f) const {
  for (unsigned p = 0; p < partitions; ++p) parts_[p].set.for_each(f);
}

size_t shared_key_set::memory_bytes() const {
  size_t s = 0;
  for (unsigned p = 0; p < partitions; ++p) s += parts_[p].set.memory_bytes();
  return s;
}

}  // namespace jsift
