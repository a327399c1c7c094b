#include <catch2/catch.hpp>

#include <string>
#include <thread>
#include <vector>

#include <xxhash.h>

#include "jsift/json/tokens.hpp"
#include "jsift/sets/distinct_sketch.hpp"

using namespace jsift;

namespace {
std::vector<uint64_t> hashes(std::initializer_list<std::string_view> tokens) {
  std::vector<uint64_t> out;
  for (auto t : tokens) out.push_back(XXH3_64bits(t.data(), t.size()));
  return out;
}
std::vector<uint64_t> tokens_of(std::string_view text, token_mode m) {
  std::vector<uint64_t> out;
  tokenize(text, m, out);
  return out;
}
}  // namespace

TEST_CASE("word tokens: lowercased letters and digits, punctuation separates, CJK characters one each") {
  CHECK(tokens_of("Hello, World! it's 42", token_mode::words) == hashes({"hello", "world", "it", "s", "42"}));
  CHECK(tokens_of("ÉCOLE école Straße", token_mode::words) == hashes({"école", "école", "straße"}));
  CHECK(tokens_of("你好，世界!", token_mode::words) == hashes({"你", "好", "世", "界"}));
  CHECK(tokens_of("カタカナ한국", token_mode::words) == hashes({"カ", "タ", "カ", "ナ", "한", "국"}));
  CHECK(tokens_of("", token_mode::words).empty());
  CHECK(tokens_of(" \n\t—…", token_mode::words).empty());
  std::string opening;
  size_t opened = 0;
  std::vector<uint64_t> out;
  CHECK(tokenize("I am VERY happy to help you", token_mode::words, out, &opening, &opened, 5) == 7);
  CHECK(opening == "i am very happy to");
  CHECK(opened == 5);
}

TEST_CASE("whitespace tokens split on the space character only, as Python's str.split(' ')") {
  CHECK(tokens_of("a  b", token_mode::whitespace) == hashes({"a", "", "b"}));
  CHECK(tokens_of("", token_mode::whitespace) == hashes({""}));
  CHECK(tokens_of("A\tb ", token_mode::whitespace) == hashes({"A\tb", ""}));
}

TEST_CASE("n-gram hashes depend on order and length") {
  auto h = hashes({"a", "b", "c"});
  CHECK(ngram_hash(h.data(), 1) == h[0]);
  CHECK(ngram_hash(h.data(), 2) != ngram_hash(h.data() + 1, 2));
  CHECK(ngram_hash(h.data(), 2) != ngram_hash(h.data(), 3));
}

TEST_CASE("distinct_sketch: exact up to its limit, HyperLogLog past it, the same from several threads") {
  auto run = [](uint64_t limit, uint64_t distinct, unsigned threads) {
    distinct_sketch s(limit);
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t)
      pool.emplace_back([&, t] {
        std::vector<uint64_t> batch;
        for (uint64_t i = t; i < distinct * 2; i += threads) {  // every key twice
          const uint64_t k = i % distinct;
          batch.push_back(XXH3_64bits(&k, sizeof k));
          if (batch.size() == 1000) s.insert(batch.data(), batch.size()), batch.clear();
        }
        s.insert(batch.data(), batch.size());
      });
    for (auto& p : pool) p.join();
    s.finish();
    return std::make_pair(s.count(), s.exact());
  };
  CHECK(run(100000, 50000, 1) == std::make_pair(uint64_t(50000), true));
  CHECK(run(100000, 50000, 4) == std::make_pair(uint64_t(50000), true));
  CHECK(run(50000, 50000, 3) == std::make_pair(uint64_t(50000), true));  // exactly at the limit
  for (unsigned threads : {1u, 4u}) {
    auto [n, exact] = run(20000, 200000, threads);
    CHECK_FALSE(exact);
    CHECK(double(n) == Approx(200000).epsilon(0.04));
  }
  distinct_sketch empty(10);
  empty.finish();
  CHECK(empty.count() == 0);
  CHECK(empty.exact());
}
