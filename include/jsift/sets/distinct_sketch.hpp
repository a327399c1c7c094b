// jsift/sets/distinct_sketch.hpp — how many distinct keys several threads
// insert, exactly while they fit, approximately past that: a shared_key_set
// (20-30 bytes per distinct key) until it holds more than `max_exact` keys,
// then HyperLogLog (2^14 registers, 16 KiB, standard error 0.8 %) fed with
// every key the set held and every key after. Whether the count is exact
// depends only on how many distinct keys there are (never on the threads):
// exact() is true when they are at most max_exact. Thread-safe inserts;
// finish() once they stop, then count().
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <shared_mutex>

#include "jsift/sets/distinct_counter.hpp"
#include "jsift/sets/shared_key_set.hpp"

namespace jsift {

class distinct_sketch {
 public:
  explicit distinct_sketch(uint64_t max_exact) : max_(max_exact) {}
  void insert(const hash128* keys, size_t n);
  // 64-bit hashes (n-grams), spread to 128-bit keys one to one.
  void insert(const uint64_t* hashes, size_t n);
  void finish();
  uint64_t count() const;
  bool exact() const { return !approx_.load(); }
  // Partial files (io/partial_file.hpp), once inserts stop: the keys while
  // exact, else the registers; read_merge() adds another sketch's (the
  // union: exact while it holds at most max_exact keys, as one run's).
  void write(partial_writer& w) const;
  void read_merge(partial_reader& r);

 private:
  void to_sketch();  // under the exclusive lock
  uint64_t max_;
  std::shared_mutex m_;  // shared: inserts into the set; exclusive: the switch
  shared_key_set set_;
  std::atomic<uint64_t> size_{0};
  std::atomic<bool> approx_{false};
  std::atomic<bool> dedup_{true};  // batches are deduplicated before the set (off once they prove mostly distinct)
  std::mutex hll_m_;
  hyperloglog hll_;
};

}  // namespace jsift
