// jsift/sets/distinct_counter.hpp — counts distinct 128-bit keys, exactly (a
// key_set: 20-30 bytes per distinct key) or approximately (HyperLogLog with
// 2^14 one-byte registers: 16 KiB whatever the input, standard error 0.8 %,
// allocated on first use). `stats --approx` picks the latter so profiling a
// huge input stays in bounded memory. Not thread-safe; a memory_budget
// given to it must outlive it.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "jsift/sets/key_set.hpp"

namespace jsift {

class partial_writer;
class partial_reader;

class hyperloglog {
 public:
  static constexpr unsigned precision = 14;
  void add(uint64_t hash);
  double estimate() const;
  // The registers of both: the sketch of the union (order-free).
  void merge(const hyperloglog& o);
  void clear() { reg_.assign(reg_.size(), 0); }
  size_t memory_bytes() const { return reg_.size(); }
  // The registers (empty before the first add), for partial files.
  const std::vector<uint8_t>& registers() const { return reg_; }
  void merge_registers(const std::vector<uint8_t>& r);

 private:
  std::vector<uint8_t> reg_;
};

class distinct_counter {
 public:
  explicit distinct_counter(bool approx = false, memory_budget* budget = nullptr) : approx_(approx), exact_(false, budget) {}
  // True if h is new (exact mode); always true when approximate.
  bool insert(hash128 h) {
    if (!approx_) return exact_.insert(h);
    hll_.add(h.lo ^ h.hi);
    return true;
  }
  void prefetch(const hash128& h) const {
    if (!approx_) exact_.prefetch(h);
  }
  uint64_t count() const;
  bool approx() const { return approx_; }
  // Partial files (io/partial_file.hpp): the keys (exact) or the registers;
  // read_merge() adds a written counter of the same mode (the union).
  void write(partial_writer& w) const;
  void read_merge(partial_reader& r);
  size_t memory_bytes() const { return approx_ ? hll_.memory_bytes() : exact_.memory_bytes(); }

 private:
  bool approx_;
  key_set exact_;
  hyperloglog hll_;
};

}  // namespace jsift
