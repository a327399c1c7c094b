#include <catch2/catch.hpp>

#include <cmath>
#include <thread>
#include <vector>

#include "jsift/sets/key_counter.hpp"
#include "jsift/stages/self_bleu.hpp"

using namespace jsift;

TEST_CASE("key counter: counts add up across threads; past its bound it says so") {
  key_counter c(1000);
  std::vector<uint64_t> keys;
  for (uint64_t i = 0; i < 500; ++i) keys.push_back(i * 0x9E3779B97F4A7C15ull);
  std::vector<std::thread> pool;
  for (int t = 0; t < 4; ++t) pool.emplace_back([&] { c.add(keys.data(), keys.size()); });
  for (auto& t : pool) t.join();
  CHECK(!c.overflowed());
  CHECK(c.size() == 500);
  for (uint64_t k : keys) CHECK(c.count(k) == 4);
  CHECK(c.count(12345) == 0);
  key_counter small(10);
  small.add(keys.data(), keys.size());
  CHECK(small.overflowed());
  small.release();
  CHECK(small.memory_bytes() == 0);
}

TEST_CASE("self-BLEU: identical documents score 1, disjoint ones 0, and the brevity penalty applies") {
  const std::vector<uint64_t> a{1, 2, 3, 4, 5};
  CHECK(self_bleu({a, a, a}).value() == Approx(1.0));
  CHECK(self_bleu({{1, 2, 3}, {4, 5, 6}}).value() == 0.0);  // no unigram in common: 0, as NLTK
  CHECK(!self_bleu({a}).has_value());                        // one document has no references
  // {1 2 3} against {1 2 3 4 5 6}: every n-gram matches, the penalty exp(1 - 6/3).
  const auto s = self_bleu({{1, 2, 3}, {1, 2, 3, 4, 5, 6}});
  REQUIRE(s.has_value());
  // The long one: unigrams 3/6, bigrams 2/5, trigrams 1/4; no penalty.
  const double long_one = std::exp((std::log(3.0 / 6) + std::log(2.0 / 5) + std::log(1.0 / 4)) / 3);
  CHECK(*s == Approx((std::exp(1 - 6.0 / 3) + long_one) / 2));
}
