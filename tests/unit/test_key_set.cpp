#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>
#include <random>
#include <set>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <vector>

#include "jsift/sets/key_set.hpp"
#include "jsift/sets/ordered_key_set.hpp"
#include "jsift/sets/shared_key_set.hpp"

using namespace jsift;

TEST_CASE("key_set inserts, finds and grows") {
  key_set s;
  for (uint64_t i = 0; i < 100000; ++i) CHECK(s.insert(hash_bytes(std::to_string(i))));
  CHECK(s.size() == 100000);
  for (uint64_t i = 0; i < 100000; i += 7) CHECK_FALSE(s.insert(hash_bytes(std::to_string(i))));
  CHECK(s.size() == 100000);
  CHECK(s.contains(hash_bytes("42")));
  CHECK_FALSE(s.contains(hash_bytes("not there")));
  // at most 70 % full: 16 B a slot -> under 46 B per key
  CHECK(s.memory_bytes() / s.size() <= 46);
}

TEST_CASE("the all-zero key is a real key") {
  key_set s;
  CHECK_FALSE(s.contains(hash128{0, 0}));
  CHECK(s.insert(hash128{0, 0}));
  CHECK_FALSE(s.insert(hash128{0, 0}));
  CHECK(s.contains(hash128{0, 0}));
  CHECK(s.size() == 1);
}

TEST_CASE("a reserved key_set takes its keys without growing, and still grows past them") {
  memory_budget budget;
  key_set s(true, &budget);
  REQUIRE(s.reserve(10000));
  const size_t reserved = s.memory_bytes();
  CHECK(budget.used == reserved);
  for (uint64_t i = 0; i < 10000; ++i) CHECK(s.insert(hash_bytes(std::to_string(i)), i));
  CHECK(s.memory_bytes() == reserved);  // no rehash
  CHECK(s.reserve(100));                // never shrinks
  CHECK(s.memory_bytes() == reserved);
  for (uint64_t i = 10000; i < 20000; ++i) CHECK(s.insert(hash_bytes(std::to_string(i)), i));
  uint64_t first = 0;
  CHECK_FALSE(s.insert_or_get(hash_bytes("1234"), 0, &first));
  CHECK(first == 1234);  // payloads move with their keys
  CHECK(budget.used == s.memory_bytes());
}

TEST_CASE("tiny reserved tables still grow") {
  key_set s;
  REQUIRE(s.reserve(1));
  for (uint64_t i = 0; i < 1000; ++i) CHECK(s.insert(hash_bytes(std::to_string(i))));
  CHECK(s.size() == 1000);
}

TEST_CASE("reserve stays within the budget and says so; growing past it throws") {
  memory_budget budget;
  budget.limit = 64 * 1024;
  key_set s(false, &budget);
  CHECK_FALSE(s.reserve(1'000'000));  // 20 MB: refused, nothing changed
  CHECK(s.memory_bytes() == 0);
  CHECK(budget.used == 0);
  CHECK_THROWS_AS([&] { for (uint64_t i = 0; i < 100000; ++i) s.insert(hash_bytes(std::to_string(i))); }(), std::system_error);
  CHECK(budget.used == s.memory_bytes());
}

TEST_CASE("shared_key_set: threads inserting at once find every key new exactly once") {
  shared_key_set s;
  s.reserve(1000);  // too small on purpose
  // Four threads insert overlapping ranges, in batches, repeats inside batches too.
  constexpr unsigned threads = 4;
  std::vector<uint64_t> fresh_counts(threads);
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      std::vector<hash128> batch;
      for (uint64_t i = 0; i < 60000; ++i) {
        batch.push_back(hash_bytes(std::to_string((i * (t + 1)) % 50000)));
        if (batch.size() == 777 || i + 1 == 60000) {
          std::unique_ptr<bool[]> fresh(new bool[batch.size()]);
          s.insert(batch.data(), batch.size(), fresh.get());
          for (size_t k = 0; k < batch.size(); ++k) fresh_counts[t] += fresh[k];
          batch.clear();
        }
      }
    });
  for (auto& t : pool) t.join();
  std::set<uint64_t> expect;
  for (unsigned t = 0; t < threads; ++t)
    for (uint64_t i = 0; i < 60000; ++i) expect.insert((i * (t + 1)) % 50000);
  CHECK(s.size() == expect.size());
  CHECK(fresh_counts[0] + fresh_counts[1] + fresh_counts[2] + fresh_counts[3] == expect.size());
  CHECK(s.memory_bytes() / s.size() <= 46);
}

TEST_CASE("shared_key_set: a key repeated within one batch is new at its first place only") {
  shared_key_set s;
  hash128 keys[] = {hash_bytes("a"), hash_bytes("b"), hash_bytes("a"), hash128{0, 0}, hash128{0, 0}};
  bool fresh[5];
  s.insert(keys, 5, fresh);
  CHECK(fresh[0]);
  CHECK(fresh[1]);
  CHECK_FALSE(fresh[2]);
  CHECK(fresh[3]);
  CHECK_FALSE(fresh[4]);
  CHECK(s.size() == 3);
}

TEST_CASE("ordered_key_set: chunks resolved at once, in any order, get the verdicts of one thread in input order") {
  // 300 chunks of keys with many repeats, across and within chunks.
  std::mt19937_64 rng(11);
  std::vector<std::vector<hash128>> chunks(300);
  for (auto& c : chunks) {
    size_t n = rng() % 50;  // some chunks have no keys
    for (size_t i = 0; i < n; ++i) c.push_back(hash_bytes(std::to_string(rng() % 3000)));
  }
  // The reference: one key_set, in order, payload = (chunk, index).
  key_set serial(true);
  std::vector<std::vector<uint64_t>> want_first(chunks.size());
  for (size_t c = 0; c < chunks.size(); ++c)
    for (size_t i = 0; i < chunks[c].size(); ++i) {
      uint64_t first = UINT64_MAX;
      serial.insert_or_get(chunks[c][i], (c << 32) | i, &first);
      want_first[c].push_back(first);  // UINT64_MAX: new
    }

  for (unsigned threads : {1u, 4u}) {
    ordered_key_set set(true);
    set.reserve(500);  // too small on purpose
    std::vector<ordered_key_set::batch> batches(chunks.size());
    std::vector<size_t> order(chunks.size());
    for (size_t c = 0; c < chunks.size(); ++c) {
      order[c] = c;
      batches[c].seq = c;
      batches[c].keys = chunks[c];
      for (size_t i = 0; i < chunks[c].size(); ++i) batches[c].payload.push_back((c << 32) | i);
    }
    std::shuffle(order.begin(), order.end(), rng);
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t)
      pool.emplace_back([&, t] {
        for (size_t k = t; k < order.size(); k += threads) set.submit(batches[order[k]]);
      });
    for (auto& t : pool) t.join();
    CHECK(set.size() == serial.size());
    for (size_t c = 0; c < chunks.size(); ++c)
      for (size_t i = 0; i < chunks[c].size(); ++i) {
        const bool fresh = want_first[c][i] == UINT64_MAX;
        REQUIRE(bool(batches[c].fresh[i]) == fresh);
        if (!fresh) REQUIRE(batches[c].first[i] == want_first[c][i]);
      }
  }
}

TEST_CASE("ordered_key_set: a chunk submitted twice is refused at once, not left waiting") {
  ordered_key_set set;
  ordered_key_set::batch a, b;
  a.seq = b.seq = 0;
  a.keys = b.keys = {hash_bytes("x")};
  set.submit(a);
  CHECK_THROWS_AS(set.submit(b), std::logic_error);
}
