#include <catch2/catch.hpp>

#include <cmath>

#include "jsift/sets/distinct_counter.hpp"

using namespace jsift;

TEST_CASE("HyperLogLog estimates within a few percent in bounded memory") {
  for (uint64_t n : {100u, 10000u, 1000000u}) {
    distinct_counter approx(true), exact(false);
    for (uint64_t i = 0; i < n; ++i) {
      hash128 h = hash_bytes(std::to_string(i));
      approx.insert(h);
      approx.insert(h);  // repeats do not count
      if (n <= 10000) exact.insert(h);
    }
    double err = std::fabs(double(approx.count()) - double(n)) / double(n);
    INFO("n=" << n << " estimate=" << approx.count());
    CHECK(err < 0.03);
    CHECK(approx.memory_bytes() == 16384);
    if (n <= 10000) CHECK(exact.count() == n);
  }
  CHECK(distinct_counter(true).count() == 0);
}
