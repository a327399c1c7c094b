#include "jsift/sets/distinct_counter.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

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

void hyperloglog::merge(const hyperloglog& o) {
  if (o.reg_.empty()) return;
  if (reg_.empty()) reg_.assign(o.reg_.size(), 0);
  for (size_t i = 0; i < reg_.size(); ++i) reg_[i] = std::max(reg_[i], o.reg_[i]);
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

}  // namespace jsift
