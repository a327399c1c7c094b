// jsift/sets/length_histogram.hpp — a mergeable distribution of line lengths with
// exact count, min, max and sum, and percentiles from log-linear buckets:
// exact below 2048 bytes, within 1/128 (0.8 %) above. Mergeable in any order
// with the same result, so it is thread-count independent. Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace jsift {

class partial_writer;
class partial_reader;

class length_histogram {
 public:
  void add(uint64_t v);
  void merge(const length_histogram& o);
  uint64_t count() const { return count_; }
  uint64_t min() const { return count_ ? min_ : 0; }
  uint64_t max() const { return max_; }
  uint64_t sum() const { return sum_; }
  double mean() const { return count_ ? double(sum_) / double(count_) : 0.0; }
  // The value at quantile q in [0,1] (nearest rank), clamped to [min, max].
  uint64_t percentile(double q) const;
  // Partial files (io/partial_file.hpp): read_merge() merges a written one in.
  void write(partial_writer& w) const;
  void read_merge(partial_reader& r);

 private:
  static size_t bucket(uint64_t v);
  static uint64_t bucket_floor(size_t b);
  std::vector<uint64_t> buckets_;
  uint64_t count_ = 0, min_ = UINT64_MAX, max_ = 0, sum_ = 0;
};

}  // namespace jsift
