#include "jsift/sets/distinct_counter.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

#include "jsift/io/partial_file.hpp"

namespace jsift {

void hyperloglog::add(uint64_t h) {
  constexpr size_t m = size_t(1) << precision;
  if (reg_.empty()) reg_.assign(m, 0);
  size_t idx = size_t(h >> (64 - precision));
  // rho: position of the first 1 bit in the remaining bits (a sentinel bit
  // bounds it when they are all zero).
  uint64_t w = (h << precision) | (uint64_t(1) << (precision - 1));
  uint8_t rho = uint8_t(std::countl_zero(w) + 1);
  if (rho > reg_[idx]) reg_[idx] = rho;
}

void hyperloglog::merge(const hyperloglog& o) { merge_registers(o.reg_); }

void hyperloglog::merge_registers(const std::vector<uint8_t>& r) {
  if (r.empty()) return;
  if (reg_.empty()) reg_.assign(r.size(), 0);
  for (size_t i = 0; i < reg_.size(); ++i) reg_[i] = std::max(reg_[i], r[i]);
}

double hyperloglog::estimate() const {
  if (reg_.empty()) return 0.0;
  const double m = double(reg_.size());
  double sum = 0;
  size_t zeros = 0;
  for (uint8_t r : reg_) {
    sum += std::ldexp(1.0, -int(r));
    zeros += r == 0;
  }
  const double alpha = 0.7213 / (1.0 + 1.079 / m);
  double e = alpha * m * m / sum;
  if (e <= 2.5 * m && zeros > 0) e = m * std::log(m / double(zeros));  // linear counting for small sets
  return e;
}

uint64_t distinct_counter::count() const {
  return approx_ ? uint64_t(std::llround(hll_.estimate())) : exact_.size();
}

void distinct_counter::write(partial_writer& w) const {
  w.u64(approx_);
  if (approx_) {
    w.u64(hll_.registers().size());
    w.bytes(hll_.registers().data(), hll_.registers().size());
    return;
  }
  w.u64(exact_.size());
  exact_.for_each([&](const hash128& h) {
    w.u64(h.lo);
    w.u64(h.hi);
  });
}

void distinct_counter::read_merge(partial_reader& r) {
  if (r.u64() != uint64_t(approx_)) r.fail("a set counted exactly in one task and approximately in another");
  const uint64_t n = r.u64();
  if (approx_) {
    if (n != 0 && n != (uint64_t(1) << hyperloglog::precision)) r.fail("a HyperLogLog of another size");
    std::vector<uint8_t> reg(size_t(n), 0);
    r.bytes(reg.data(), reg.size());
    hll_.merge_registers(reg);
    return;
  }
  if (n > r.remaining() / 16) r.fail("more keys than bytes");
  // The keys come in the writer's slot order (sorted by the bits that
  // place them): inserted into a table too small for them, they would pile
  // up in one run of slots, each probe walking it. Room for all first.
  exact_.reserve(exact_.size() + size_t(n));
  for (uint64_t i = 0; i < n; ++i) {
    hash128 h;
    h.lo = r.u64();
    h.hi = r.u64();
    exact_.insert(h);
  }
}

}  // namespace jsift
