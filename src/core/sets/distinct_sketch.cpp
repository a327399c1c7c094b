#include "jsift/sets/distinct_sketch.hpp"

#include <cmath>
#include <vector>

namespace jsift {

namespace {
hash128 spread(uint64_t h) { return {h * 0x9E3779B97F4A7C15ull, h}; }  // an odd multiplier: one to one
}  // namespace

void distinct_sketch::insert(const hash128* keys, size_t n) {
  if (n == 0) return;
  if (!approx_.load(std::memory_order_acquire)) {
    thread_local std::vector<char> fresh;
    fresh.resize(n);
    bool over = false;
    {
      std::shared_lock lock(m_);
      if (!approx_.load(std::memory_order_relaxed)) {
        set_.insert(keys, n, reinterpret_cast<bool*>(fresh.data()));
        uint64_t added = 0;
        for (size_t i = 0; i < n; ++i) added += fresh[i] != 0;
        if (size_.fetch_add(added) + added <= max_) return;
        over = true;
      }
    }
    if (over) {
      std::unique_lock lock(m_);
      if (!approx_.load(std::memory_order_relaxed)) to_sketch();
      return;  // these keys were in the set
    }
  }
  std::lock_guard lock(hll_m_);
  for (size_t i = 0; i < n; ++i) hll_.add(keys[i].hi);
}

void distinct_sketch::insert(const uint64_t* hashes, size_t n) {
  thread_local std::vector<hash128> keys;
  keys.resize(n);
  for (size_t i = 0; i < n; ++i) keys[i] = spread(hashes[i]);
  insert(keys.data(), n);
}

void distinct_sketch::to_sketch() {
  std::lock_guard lock(hll_m_);
  set_.for_each([&](const hash128& k) { hll_.add(k.hi); });
  set_ = shared_key_set();
  approx_.store(true, std::memory_order_release);
}

void distinct_sketch::finish() {
  std::unique_lock lock(m_);
  if (!approx_ && size_ > max_) to_sketch();
}

uint64_t distinct_sketch::count() const {
  if (!approx_) return size_;
  return uint64_t(std::llround(hll_.estimate()));
}

}  // namespace jsift
