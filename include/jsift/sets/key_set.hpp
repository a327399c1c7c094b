// jsift/sets/key_set.hpp — a set of 128-bit hashes (record keys, distinct values)
// in one open-addressing table with linear probing, optionally with a 64-bit
// payload per key (dedup's first occurrence, file and line).
//
// Memory: 16 bytes a slot (+8 with payload); the table grows by half when
// 80 % full, so it stays between 53 % and 80 % full: 20 to 30 bytes per
// distinct key (30 to 45 with payload). Any capacity works: slots are picked
// by multiply-shift of the hash (no power-of-two waste).
//
// A memory_budget shared by several sets caps what they may allocate
// together (--max-memory): growing past it throws std::system_error(ENOMEM)
// naming the budget, so an over-budget run fails (exit 4) instead of
// swapping. The budget must outlive every set charged to it; its count is
// atomic, so sets on several threads may share it. A key_set is not
// thread-safe: chunks collect keys in vectors and the ordered commit inserts
// them, or a shared_key_set (shared_key_set.hpp) gives each thread its own
// partitions in turn.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "jsift/json/value_hash.hpp"

namespace jsift {

struct memory_budget {
  uint64_t limit = 0;  // bytes; 0: unlimited
  std::atomic<uint64_t> used = 0;
  std::string what = "--max-memory";
};

class key_set {
 public:
  explicit key_set(bool with_payload = false, memory_budget* budget = nullptr)
      : payload_on_(with_payload), budget_(budget) {}
  ~key_set();
  key_set(key_set&& o) noexcept;
  key_set& operator=(key_set&& o) noexcept;
  key_set(const key_set&) = delete;
  key_set& operator=(const key_set&) = delete;

  // True if h was not in the set (and is now, with `payload`).
  bool insert(hash128 h, uint64_t payload = 0);
  // Like insert, but on a repeat sets *first to the stored payload.
  bool insert_or_get(hash128 h, uint64_t payload, uint64_t* first);
  bool contains(hash128 h) const;
  // Makes room for n keys in all, so that inserting them never grows the
  // table (a set sized from the input up front skips the rehashes: each
  // moves every key through cache misses). Only ever grows; returns false,
  // changing nothing, when that would go over the budget.
  bool reserve(size_t n);
  // Starts loading h's slot into cache: call a few keys ahead of insert()
  // when inserting a batch, so the misses overlap instead of queueing.
  void prefetch(const hash128& h) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[slot_of(h)]);
  }
  size_t size() const { return size_; }
  size_t memory_bytes() const { return slots_.size() * (sizeof(hash128) + (payload_on_ ? 8 : 0)); }

  template <class F>
  void for_each(F&& f) const {
    if (has_zero_) f(hash128{0, 0});
    for (const hash128& h : slots_)
      if (h.lo | h.hi) f(h);
  }

 private:
  size_t slot_of(const hash128& h) const { return size_t(static_cast<unsigned __int128>(h.hi) * slots_.size() >> 64); }
  size_t find_slot(const hash128& h) const;
  void grow();
  // Rehashes into `cap` slots; false (nothing changed) if that would go
  // over the budget, or throws ENOMEM naming it when `must`.
  bool resize(size_t cap, bool must);
  std::vector<hash128> slots_;  // {0,0} marks an empty slot
  std::vector<uint64_t> payload_;
  size_t size_ = 0;
  bool has_zero_ = false;  // the one key that collides with the empty marker
  uint64_t zero_payload_ = 0;
  bool payload_on_;
  memory_budget* budget_;
};

}  // namespace jsift
