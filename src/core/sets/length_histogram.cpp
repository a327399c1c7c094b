#include "jsift/sets/length_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

#include "jsift/io/partial_file.hpp"

namespace jsift {
namespace {
constexpr uint64_t exact_below = 2048;  // 2^11
constexpr unsigned mantissa_bits = 7;   // 128 sub-buckets per power of two
}  // namespace

size_t length_histogram::bucket(uint64_t v) {
  if (v < exact_below) return size_t(v);
  unsigned e = 63u - unsigned(std::countl_zero(v));  // >= 11
  uint64_t m = (v >> (e - mantissa_bits)) & ((1u << mantissa_bits) - 1);
  return size_t(exact_below + (e - 11) * (1u << mantissa_bits) + m);
}

uint64_t length_histogram::bucket_floor(size_t b) {
  if (b < exact_below) return b;
  size_t k = b - exact_below;
  unsigned e = unsigned(k >> mantissa_bits) + 11;
  uint64_t m = k & ((1u << mantissa_bits) - 1);
  return (uint64_t(1) << e) | (m << (e - mantissa_bits));
}

void length_histogram::add(uint64_t v) {
  size_t b = bucket(v);
  if (b >= buckets_.size()) buckets_.resize(b + 1, 0);
  ++buckets_[b];
  ++count_;
  sum_ += v;
  min_ = std::min(min_, v);
  max_ = std::max(max_, v);
}

void length_histogram::merge(const length_histogram& o) {
  if (o.buckets_.size() > buckets_.size()) buckets_.resize(o.buckets_.size(), 0);
  for (size_t i = 0; i < o.buckets_.size(); ++i) buckets_[i] += o.buckets_[i];
  count_ += o.count_;
  sum_ += o.sum_;
  min_ = std::min(min_, o.min_);
  max_ = std::max(max_, o.max_);
}

uint64_t length_histogram::percentile(double q) const {
  if (count_ == 0) return 0;
  uint64_t rank = uint64_t(std::ceil(std::clamp(q, 0.0, 1.0) * double(count_)));
  rank = std::max<uint64_t>(rank, 1);
  uint64_t seen = 0;
  for (size_t b = 0; b < buckets_.size(); ++b) {
    seen += buckets_[b];
    if (seen >= rank) return std::clamp(bucket_floor(b), min(), max_);
  }
  return max_;
}

void length_histogram::write(partial_writer& w) const {
  w.u64(count_);
  w.u64(min_);
  w.u64(max_);
  w.u64(sum_);
  w.u64(buckets_.size());
  for (uint64_t b : buckets_) w.u64(b);
}

void length_histogram::read_merge(partial_reader& r) {
  length_histogram o;
  o.count_ = r.u64();
  o.min_ = r.u64();
  o.max_ = r.u64();
  o.sum_ = r.u64();
  const uint64_t n = r.u64();
  if (n > bucket(UINT64_MAX) + 1) r.fail("a length histogram with too many buckets");
  o.buckets_.resize(size_t(n));
  for (auto& b : o.buckets_) b = r.u64();
  merge(o);
}

}  // namespace jsift
