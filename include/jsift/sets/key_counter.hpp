// jsift/sets/key_counter.hpp — how many times each 64-bit key was added, by
// several threads at once: the document frequency of n-grams behind
// `diversity`'s self-repetition. 64 partitions by the key's top bits, each
// an open-addressing table (a key and a 32-bit count, 12 bytes a slot,
// kept at most 3/4 full) under its own lock; counts add up in any order,
// so they never depend on the threads.
//
// Bounded: past `max_keys` distinct keys a new key is no longer stored and
// the counter says it overflowed (the counts are then incomplete: callers
// must not use them as exact). Thread-safe add(); count() once adds stop.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace jsift {

class partial_writer;
class partial_reader;

class key_counter {
 public:
  explicit key_counter(uint64_t max_keys);
  ~key_counter();
  void add(const uint64_t* keys, size_t n);  // each key's count + 1
  uint32_t count(uint64_t key) const;        // 0: never added (or dropped by an overflow)
  bool overflowed() const { return overflow_.load(std::memory_order_relaxed); }
  void release();  // frees the tables (after an overflow: the counts are of no use)
  uint64_t size() const { return size_.load(); }
  // Partial files (io/partial_file.hpp): every key and count (or that it
  // overflowed); read_merge() adds another counter's counts (single thread).
  void write(partial_writer& w) const;
  void read_merge(partial_reader& r);
  size_t memory_bytes() const;

 private:
  struct partition {
    std::mutex m;
    std::vector<uint64_t> keys;  // 0: empty (key 0 is stored as 1)
    std::vector<uint32_t> counts;
    size_t used = 0;
  };
  static constexpr unsigned partitions = 64;
  void grow(partition& p);
  uint64_t max_;
  std::unique_ptr<partition[]> parts_;
  std::atomic<uint64_t> size_{0};
  std::atomic<bool> overflow_{false};
};

}  // namespace jsift
