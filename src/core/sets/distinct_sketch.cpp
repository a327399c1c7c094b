#include "jsift/sets/distinct_sketch.hpp"

#include <bit>
#include <cmath>
#include <memory>
#include <vector>

#include "jsift/io/partial_file.hpp"

namespace jsift {

namespace {
hash128 spread(uint64_t h) { return {h * 0x9E3779B97F4A7C15ull, h}; }  // an odd multiplier: one to one
}  // namespace

void distinct_sketch::insert(const hash128* keys, size_t n) {
  if (n == 0) return;
  if (!approx_.load(std::memory_order_acquire)) {
    thread_local std::unique_ptr<bool[]> fresh;
    thread_local size_t room = 0;
    if (room < n) fresh = std::make_unique<bool[]>(room = n);
    bool over = false;
    {
      std::shared_lock lock(m_);
      if (!approx_.load(std::memory_order_relaxed)) {
        set_.insert(keys, n, fresh.get());
        uint64_t added = 0;
        for (size_t i = 0; i < n; ++i) added += fresh[i];
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
  // A batch's own registers, then one merge under the lock (threads adding
  // key by key under it waited on each other).
  thread_local hyperloglog local;
  local.clear();
  for (size_t i = 0; i < n; ++i) local.add(keys[i].hi);
  std::lock_guard lock(hll_m_);
  hll_.merge(local);
}

void distinct_sketch::insert(const uint64_t* hashes, size_t n) {
  thread_local std::vector<hash128> keys;
  keys.clear();
  if (approx_.load(std::memory_order_relaxed) || !dedup_.load(std::memory_order_relaxed)) {
    for (size_t i = 0; i < n; ++i) keys.push_back(spread(hashes[i]));
    insert(keys.data(), keys.size());
    return;
  }
  // The batch's distinct hashes first, in a small table of its own: most
  // unigrams and bigrams repeat within a chunk, and the shared set's insert
  // costs more than this probe. A batch that is mostly distinct (long
  // n-grams) turns it off for this set.
  thread_local std::vector<uint64_t> table;
  size_t cap = 1024;
  while (cap < 2 * n) cap *= 2;
  table.assign(cap, 0);
  bool zero = false;
  for (size_t i = 0; i < n; ++i) {
    const uint64_t h = hashes[i];
    if (h == 0) {
      if (!zero) zero = true, keys.push_back(spread(0));
      continue;
    }
    for (size_t at = (h * 0x9E3779B97F4A7C15ull) >> (64 - std::countr_zero(cap));; at = (at + 1) & (cap - 1)) {
      if (table[at] == h) break;
      if (table[at] == 0) {
        table[at] = h;
        keys.push_back(spread(h));
        break;
      }
    }
  }
  if (n >= 4096 && keys.size() * 10 > n * 9) dedup_.store(false, std::memory_order_relaxed);
  insert(keys.data(), keys.size());
}

void distinct_sketch::to_sketch() {
  std::lock_guard lock(hll_m_);
  set_.for_each([&](const hash128& k) { hll_.add(k.hi); });
  set_ = shared_key_set();
  approx_.store(true, std::memory_order_release);
}

void distinct_sketch::write(partial_writer& w) const {
  w.u64(approx_.load());
  if (approx_) {
    w.u64(hll_.registers().size());
    w.bytes(hll_.registers().data(), hll_.registers().size());
    return;
  }
  w.u64(set_.size());
  set_.for_each([&](const hash128& h) { w.u64(h.lo), w.u64(h.hi); });
}

void distinct_sketch::read_merge(partial_reader& r) {
  const bool approx = r.u64() != 0;
  const uint64_t n = r.u64();
  if (approx) {
    if (n != 0 && n != (uint64_t(1) << hyperloglog::precision)) r.fail("a HyperLogLog of another size");
    std::vector<uint8_t> reg(size_t(n), 0);
    r.bytes(reg.data(), reg.size());
    std::unique_lock lock(m_);
    if (!approx_) to_sketch();
    std::lock_guard hll_lock(hll_m_);
    hll_.merge_registers(reg);
    return;
  }
  if (n > r.remaining() / 16) r.fail("more keys than bytes");
  std::vector<hash128> batch;
  for (uint64_t left = n; left > 0;) {  // a batch at a time: the set switches to the sketch past max_exact, as it fills
    batch.resize(size_t(std::min<uint64_t>(left, 1 << 16)));
    for (auto& h : batch) h.lo = r.u64(), h.hi = r.u64();
    insert(batch.data(), batch.size());
    left -= batch.size();
  }
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
