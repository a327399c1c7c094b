#include <catch2/catch.hpp>

#include "jsift/sets/length_histogram.hpp"

using jsift::length_histogram;

TEST_CASE("percentiles are exact for small values") {
  length_histogram h;
  for (uint64_t v = 1; v <= 100; ++v) h.add(v);
  CHECK(h.min() == 1);
  CHECK(h.max() == 100);
  CHECK(h.percentile(0.5) == 50);
  CHECK(h.percentile(0.9) == 90);
  CHECK(h.percentile(0.99) == 99);
  CHECK(h.percentile(1.0) == 100);
  CHECK(h.mean() == Approx(50.5));
}

TEST_CASE("large values are within 1/128") {
  length_histogram h;
  for (uint64_t v = 0; v < 1000; ++v) h.add(100000 + v * 1000);  // 100000 .. 1099000
  uint64_t p50 = h.percentile(0.5), exact = 100000 + 499 * 1000;
  CHECK(double(p50) >= double(exact) * (1 - 1.0 / 128));
  CHECK(double(p50) <= double(exact) * (1 + 1.0 / 128));
}

TEST_CASE("merging gives the same result in any order") {
  length_histogram a, b, all, ba;
  for (uint64_t v = 0; v < 5000; v += 3) a.add(v * 13), all.add(v * 13);
  for (uint64_t v = 1; v < 3000; v += 2) b.add(v * 101), all.add(v * 101);
  length_histogram ab = a;
  ab.merge(b);
  ba = b;
  ba.merge(a);
  for (double q : {0.0, 0.1, 0.5, 0.9, 0.99, 1.0}) {
    CHECK(ab.percentile(q) == all.percentile(q));
    CHECK(ba.percentile(q) == all.percentile(q));
  }
  CHECK(ab.count() == all.count());
  CHECK(ab.sum() == all.sum());
  CHECK(ab.min() == all.min());
  CHECK(ab.max() == all.max());
}

TEST_CASE("empty histogram") {
  length_histogram h;
  CHECK(h.percentile(0.5) == 0);
  CHECK(h.min() == 0);
  CHECK(h.mean() == 0.0);
}
