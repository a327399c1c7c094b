#include "jsift/sets/key_counter.hpp"

#include <algorithm>

#include "jsift/io/partial_file.hpp"

#include <algorithm>

namespace jsift {
namespace {
uint64_t stored(uint64_t key) { return key ? key : 1; }
size_t slot_of(uint64_t key, size_t mask) { return size_t((key * 0x9E3779B97F4A7C15ull) >> 20) & mask; }
unsigned partition_of(uint64_t key) { return unsigned(key >> 58); }
}  // namespace

key_counter::key_counter(uint64_t max_keys) : max_(max_keys), parts_(new partition[partitions]) {}
key_counter::~key_counter() = default;

void key_counter::grow(partition& p) {
  std::vector<uint64_t> keys(std::max<size_t>(1024, p.keys.size() * 2), 0);
  std::vector<uint32_t> counts(keys.size(), 0);
  const size_t mask = keys.size() - 1;
  for (size_t i = 0; i < p.keys.size(); ++i) {
    if (!p.keys[i]) continue;
    size_t s = slot_of(p.keys[i], mask);
    while (keys[s]) s = (s + 1) & mask;
    keys[s] = p.keys[i];
    counts[s] = p.counts[i];
  }
  p.keys.swap(keys);
  p.counts.swap(counts);
}

void key_counter::add(const uint64_t* keys, size_t n) {
  if (overflow_.load(std::memory_order_relaxed)) return;  // the counts are of no use any more
  // By partition (a counting sort on the top six bits), so each lock is taken once per batch.
  thread_local std::vector<uint64_t> sorted;
  size_t start[partitions + 1] = {};
  for (size_t i = 0; i < n; ++i) ++start[partition_of(keys[i]) + 1];
  for (unsigned p = 0; p < partitions; ++p) start[p + 1] += start[p];
  sorted.resize(n);
  size_t at[partitions];
  std::copy(start, start + partitions, at);
  for (size_t i = 0; i < n; ++i) sorted[at[partition_of(keys[i])]++] = keys[i];
  for (unsigned pi = 0; pi < partitions; ++pi) {
    if (start[pi] == start[pi + 1]) continue;
    partition& p = parts_[pi];
    std::lock_guard<std::mutex> lock(p.m);
    if (overflow_.load(std::memory_order_relaxed)) return;
    for (size_t i = start[pi]; i < start[pi + 1]; ++i) {
      if ((p.used + 1) * 4 > p.keys.size() * 3) grow(p);
      const uint64_t k = stored(sorted[i]);
      const size_t mask = p.keys.size() - 1;
      size_t s = slot_of(k, mask);
      while (p.keys[s] && p.keys[s] != k) s = (s + 1) & mask;
      if (p.keys[s]) {
        if (p.counts[s] != UINT32_MAX) ++p.counts[s];
        continue;
      }
      if (size_.fetch_add(1, std::memory_order_relaxed) >= max_) {
        overflow_.store(true);
        return;
      }
      p.keys[s] = k;
      p.counts[s] = 1;
      ++p.used;
    }
  }
}

void key_counter::write(partial_writer& w) const {
  w.u64(overflowed());
  if (overflowed()) return;
  w.u64(size());
  for (unsigned i = 0; i < partitions; ++i) {
    const partition& p = parts_[i];
    for (size_t s = 0; s < p.keys.size(); ++s)
      if (p.keys[s]) w.u64(p.keys[s]), w.u64(p.counts[s]);
  }
}

void key_counter::read_merge(partial_reader& r) {
  const bool over = r.u64() != 0;
  if (over || overflowed()) {  // one task's 4-grams outgrew the bound: so do the whole run's
    if (!over) {
      const uint64_t n = r.u64();
      if (n > r.remaining() / 16) r.fail("more counts than bytes");
      for (uint64_t i = 0; i < 2 * n; ++i) r.u64();
    }
    overflow_.store(true);
    release();
    return;
  }
  const uint64_t n = r.u64();
  if (n > r.remaining() / 16) r.fail("more counts than bytes");
  for (uint64_t i = 0; i < n; ++i) {
    const uint64_t k = r.u64(), c = r.u64();
    if (k == 0 || c == 0 || c > UINT32_MAX) r.fail("a 4-gram count out of range");
    if (overflowed()) continue;
    partition& p = parts_[partition_of(k)];
    if ((p.used + 1) * 4 > p.keys.size() * 3) grow(p);
    const size_t mask = p.keys.size() - 1;
    size_t s = slot_of(k, mask);
    while (p.keys[s] && p.keys[s] != k) s = (s + 1) & mask;
    if (p.keys[s]) {
      p.counts[s] = uint32_t(std::min<uint64_t>(UINT32_MAX, uint64_t(p.counts[s]) + c));
      continue;
    }
    if (size_.fetch_add(1, std::memory_order_relaxed) >= max_) {
      overflow_.store(true);
      continue;
    }
    p.keys[s] = k;
    p.counts[s] = uint32_t(c);
    ++p.used;
  }
  if (overflowed()) release();
}

void key_counter::release() {
  for (unsigned i = 0; i < partitions; ++i) {
    std::lock_guard<std::mutex> lock(parts_[i].m);
    std::vector<uint64_t>().swap(parts_[i].keys);  // `= {}` would keep the capacity
    std::vector<uint32_t>().swap(parts_[i].counts);
    parts_[i].used = 0;
  }
}

uint32_t key_counter::count(uint64_t key) const {
  const partition& p = parts_[partition_of(key)];
  if (p.keys.empty()) return 0;
  const uint64_t k = stored(key);
  const size_t mask = p.keys.size() - 1;
  for (size_t s = slot_of(k, mask); p.keys[s]; s = (s + 1) & mask)
    if (p.keys[s] == k) return p.counts[s];
  return 0;
}

size_t key_counter::memory_bytes() const {
  size_t n = 0;
  for (unsigned i = 0; i < partitions; ++i) n += parts_[i].keys.capacity() * 12;
  return n;
}

}  // namespace jsift
