#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "jsift/stages/near_seen.hpp"

using namespace jsift;
using verdict = near_seen::verdict;

namespace {

std::string long_text(int seed, int words = 60) {
  std::string t;
  for (int i = 0; i < words; ++i) t += "w" + std::string(1, char('a' + (seed * 7 + i) % 26)) + std::string(1, char('a' + (seed + i * 3) % 26)) + " ";
  return t;
}

// Chunks of `per` texts, resolved in the order `order` gives, taken in input order.
std::vector<verdict> decide(near_seen& s, const std::vector<std::string>& texts, size_t per, const std::vector<size_t>& order) {
  std::vector<std::unique_ptr<near_seen::chunk_items>> chunks;
  for (size_t i = 0; i < texts.size(); i += per) {
    chunks.push_back(std::make_unique<near_seen::chunk_items>(s));
    for (size_t j = i; j < std::min(texts.size(), i + per); ++j) chunks.back()->add(texts[j], uint32_t(j - i));
  }
  for (size_t c : order) s.resolve(c, *chunks[c]);
  std::vector<verdict> out;
  for (size_t c = 0; c < chunks.size(); ++c) {
    s.begin_chunk(c, 0, 1 + c * per);
    for (size_t i = 0; i < chunks[c]->size(); ++i) out.push_back(s.take(*chunks[c], i));
  }
  return out;
}

}  // namespace

TEST_CASE("near seen: an earlier near-duplicate makes a text near; unrelated and wordless texts are kept") {
  std::vector<input_file> files{{"a.jsonl"}};
  memory_budget budget;
  near_seen_options o;
  o.clusters = true;
  near_seen s(o, files, budget);
  std::string a = long_text(1), b = long_text(2);
  std::string a2 = a;
  a2.replace(0, 3, "zz");  // one word changed of 60
  const std::vector<std::string> texts{a, b, a2, "", "?!", a};
  auto v = decide(s, texts, 2, {0, 1, 2});
  CHECK(v == std::vector<verdict>{verdict::kept, verdict::kept, verdict::near, verdict::kept, verdict::kept, verdict::near});
  CHECK(s.near_duplicates() == 2);
  CHECK(s.keyless() == 2);
  s.finish();
  REQUIRE(s.clusters() == 1);
  CHECK(s.largest()[0].size == 3);
  CHECK(s.largest()[0].line == 1);  // the first member's line
  CHECK(!s.largest()[0].excerpt.empty());
}

TEST_CASE("near seen: the verdicts do not depend on the order chunks are resolved in, nor on threads") {
  std::vector<std::string> texts;
  for (int i = 0; i < 200; ++i) texts.push_back(long_text(i % 37, 20 + i % 9));  // repeats of 37 texts, of several lengths
  std::vector<verdict> want;
  {
    std::vector<input_file> files{{"a.jsonl"}};
    memory_budget budget;
    near_seen s({}, files, budget);
    std::vector<size_t> order(20);
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    want = decide(s, texts, 10, order);
  }
  CHECK(std::count(want.begin(), want.end(), verdict::near) >= 150);
  std::vector<input_file> files{{"a.jsonl"}};
  memory_budget budget;
  near_seen s({}, files, budget);
  std::vector<std::unique_ptr<near_seen::chunk_items>> chunks;
  for (size_t i = 0; i < texts.size(); i += 10) {
    chunks.push_back(std::make_unique<near_seen::chunk_items>(s));
    for (size_t j = i; j < i + 10; ++j) chunks.back()->add(texts[j], uint32_t(j - i));
  }
  std::vector<std::thread> pool;
  for (int t = 0; t < 4; ++t)
    pool.emplace_back([&, t] {
      for (size_t c = chunks.size() - 1 - size_t(t); c < chunks.size(); c -= 4) s.resolve(c, *chunks[c]);  // backwards, interleaved
    });
  for (auto& t : pool) t.join();
  std::vector<verdict> got;
  for (size_t c = 0; c < chunks.size(); ++c) {
    s.begin_chunk(c, 0, 1 + c * 10);
    for (size_t i = 0; i < chunks[c]->size(); ++i) got.push_back(s.take(*chunks[c], i));
  }
  CHECK(got == want);
}

TEST_CASE("near seen: a salt keeps groups apart") {
  std::vector<input_file> files{{"a.jsonl"}};
  memory_budget budget;
  near_seen s({}, files, budget);
  near_seen::chunk_items c(s);
  const std::string t = long_text(3);
  c.add(t, 0, 11);
  c.add(t, 1, 13);
  c.add(t, 2, 11);
  s.resolve(0, c);
  s.begin_chunk(0, 0, 1);
  CHECK(s.take(c, 0) == verdict::kept);
  CHECK(s.take(c, 1) == verdict::kept);  // another group's
  CHECK(s.take(c, 2) == verdict::near);
}

TEST_CASE("near seen: items replayed from their band keys and excerpts are decided as the texts were") {
  std::vector<std::string> texts;
  for (int i = 0; i < 120; ++i) texts.push_back(i % 11 == 0 ? std::string("?!") : long_text(i % 23, 20 + i % 7));
  std::vector<input_file> files{{"a.jsonl"}};
  for (const uint64_t salt : {uint64_t(0), uint64_t(0x9e3779b97f4a7c15)}) {
    near_seen_options o;
    o.clusters = true;
    memory_budget b1, b2;
    near_seen signed_here(o, files, b1), replayed(o, files, b2);
    std::vector<verdict> want, got;
    for (size_t c = 0; c * 10 < texts.size(); ++c) {
      near_seen::chunk_items a(signed_here), copy(replayed), r(replayed);
      for (size_t j = 0; j < 10; ++j) {
        const uint64_t own = salt * (1 + (c * 10 + j) % 2);  // two groups, as --by salts them: items meet only their group's
        a.add(texts[c * 10 + j], uint32_t(j), own);
        copy.add(texts[c * 10 + j], uint32_t(j));  // unsalted keys, as a partial keeps them
        r.add_signed(copy.keys_of(j), copy.excerpt_at(j), copy.index_of(j), own);
      }
      signed_here.resolve(c, a);
      replayed.resolve(c, r);
      signed_here.begin_chunk(c, 0, 1 + c * 10);
      replayed.begin_chunk(c, 0, 1 + c * 10);
      for (size_t j = 0; j < 10; ++j) want.push_back(signed_here.take(a, j)), got.push_back(replayed.take(r, j));
    }
    CHECK(got == want);
    CHECK(std::count(want.begin(), want.end(), verdict::near) > 50);
    CHECK(std::count(want.begin(), want.end(), verdict::kept) > 20);
    signed_here.finish();
    replayed.finish();
    REQUIRE(replayed.clusters() == signed_here.clusters());
    REQUIRE(replayed.largest().size() == signed_here.largest().size());
    for (size_t i = 0; i < replayed.largest().size(); ++i) {
      CHECK(replayed.largest()[i].size == signed_here.largest()[i].size);
      CHECK(replayed.largest()[i].line == signed_here.largest()[i].line);
      CHECK(replayed.largest()[i].excerpt == signed_here.largest()[i].excerpt);
    }
  }
}
