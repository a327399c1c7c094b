// jsift/sets/shared_key_set.hpp — a set of 128-bit keys that several threads
// insert into at once: 64 key_sets, each the owner of the keys whose top six
// bits of `lo` pick it (key_set places keys by `hi`), each behind its own
// mutex. A batch (a chunk's keys) is sorted by partition and each partition
// is locked once for its share, so threads rarely wait and the committing
// thread does none of it.
//
// What it answers is order-free: how many distinct keys there are, and for
// each insert whether the key was new. Which of two equal keys inserted at
// once by two threads is "new" depends on timing, so callers only use what
// does not: the distinct count, and counts of new keys within a class of
// equal keys' owners (a group all equal records belong to).
//
// Memory: as key_set, 20-30 bytes per distinct key, charged to the budget
// when given one (ENOMEM past it, as key_set). Thread-safe, except moving
// and destroying; size() and memory_bytes() are exact once inserts stop.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>

#include "jsift/sets/key_set.hpp"

namespace jsift {

class shared_key_set {
 public:
  explicit shared_key_set(memory_budget* budget = nullptr);
  ~shared_key_set();
  shared_key_set(shared_key_set&&) noexcept;
  shared_key_set& operator=(shared_key_set&&) noexcept;

  // Inserts keys[0..n); when `fresh` is given, fresh[i] says whether keys[i]
  // was new (a key repeated within the batch is new once, at its first place).
  void insert(const hash128* keys, size_t n, bool* fresh = nullptr);
  // Room for n keys in all, spread over the partitions (key_set::reserve).
  void reserve(size_t n);
  size_t size() const;
  size_t memory_bytes() const;
  // Every key, partition by partition (not while inserts run).
  void for_each(const std::function<void(const hash128&)>& f) const;

  static constexpr unsigned partitions = 64;

 private:
  struct partition;
  std::unique_ptr<partition[]> parts_;
};

}  // namespace jsift
