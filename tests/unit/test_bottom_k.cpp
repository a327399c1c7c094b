#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

#include "jsift/stages/bottom_k.hpp"

using namespace jsift;

TEST_CASE("bottom-k: each group's k smallest keys, whatever the order they come in") {
  std::vector<sel_key> keys;
  for (uint64_t i = 0; i < 1000; ++i) keys.push_back(sel_key{i * 7919 % 1000, 0, i});
  std::mt19937 rng(3);
  for (int trial = 0; trial < 3; ++trial) {
    std::shuffle(keys.begin(), keys.end(), rng);
    bottom_k b({{"a", 10}}, 0);
    for (const auto& key : keys) {
      b.count("a");
      b.offer("a", key);
    }
    auto t = b.thresholds();
    REQUIRE(t.count("a"));
    CHECK(t["a"].hash == 9);  // the 10th smallest of 0..999
    CHECK(b.counts().at("a") == 1000);
  }
}

TEST_CASE("bottom-k: k per group, a default for the others, k = 0 only counts") {
  bottom_k b({{"chat", 2}}, 1);
  CHECK(b.k_of("chat") == 2);
  CHECK(b.k_of("qa") == 1);
  CHECK(b.wants("qa"));
  bottom_k zero({{"chat", 0}}, 0);
  CHECK_FALSE(zero.wants("chat"));
  zero.count("chat", 5);
  zero.offer("chat", sel_key{1, 0, 0});
  CHECK(zero.thresholds().empty());
  CHECK(zero.counts().at("chat") == 5);
  for (uint64_t h : {5, 3, 9, 1}) b.offer("chat", sel_key{h, 0, h}), b.offer("qa", sel_key{h, 0, h});
  CHECK(b.thresholds()["chat"].hash == 3);
  CHECK(b.thresholds()["qa"].hash == 1);
}

TEST_CASE("bottom-k: ties on the hash are broken by file and offset") {
  bottom_k b({}, 2);
  b.offer("g", sel_key{4, 1, 10});
  b.offer("g", sel_key{4, 0, 99});
  b.offer("g", sel_key{4, 0, 5});
  auto t = b.thresholds();
  CHECK(t["g"] == (sel_key{4, 0, 99}));
}
