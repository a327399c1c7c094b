#include <catch2/catch.hpp>

#include <array>
#include <string>
#include <vector>

#include "jsift/error.hpp"
#include "jsift/json/minhash.hpp"
#include "jsift/json/tokens.hpp"

using namespace jsift;

namespace {
std::vector<hash128> keys_of(minhasher& mh, std::string_view text) {
  std::vector<hash128> k(mh.params().bands);
  if (!mh.sign(text, k.data())) k.clear();
  return k;
}
size_t shared(const std::vector<hash128>& a, const std::vector<hash128>& b) {
  size_t n = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) n += a[i] == b[i];
  return n;
}
}  // namespace

TEST_CASE("shingle words: lowercased, digits made 0, one space between") {
  std::string joined;
  std::vector<uint32_t> ends;
  CHECK(split_words("Order #1234, PAGE 7!  你好", true, joined, ends) == 6);
  CHECK(joined == "order 0000 page 0 你 好");
  CHECK(ends == std::vector<uint32_t>{5, 10, 15, 17, 21, 25});
  CHECK(split_words("a1", false, joined, ends) == 1);
  CHECK(joined == "a1");
  CHECK(split_words(" ,.; ", true, joined, ends) == 0);
}

TEST_CASE("minhash: the same words give the same keys; case, punctuation and digits do not matter") {
  minhasher mh({});
  const auto a = keys_of(mh, "The quick brown fox jumps over the lazy dog 12 times");
  REQUIRE(a.size() == 14);
  CHECK(keys_of(mh, "the QUICK brown fox, jumps over the lazy dog -- 99 times!") == a);
  CHECK(keys_of(mh, "") .empty());
  CHECK(keys_of(mh, "?!") .empty());
  // A text shorter than the shingle is one shingle of all its words.
  CHECK(keys_of(mh, "Yes.") == keys_of(mh, "yes"));
  CHECK(shared(keys_of(mh, "yes"), keys_of(mh, "no")) == 0);
  // Unrelated texts share no band; a one-word edit of a long text shares most.
  std::string base, edited, other;
  for (int i = 0; i < 200; ++i) {
    base += "word" + std::string(1, char('a' + i % 26)) + std::string(1, char('a' + i / 26)) + " ";
    other += "other" + std::string(1, char('a' + i % 26)) + std::string(1, char('a' + i / 26)) + " ";
  }
  edited = "changed " + base.substr(base.find(' ') + 1);
  CHECK(shared(keys_of(mh, base), keys_of(mh, other)) == 0);
  CHECK(shared(keys_of(mh, base), keys_of(mh, edited)) >= 10);
}

TEST_CASE("minhash: b-bit estimates of the Jaccard similarity") {
  minhasher mh({});
  std::vector<uint8_t> a(112), b(112);
  std::array<hash128, 14> k;
  REQUIRE(mh.sign("one two three four five six seven eight nine ten", k.data(), a.data()));
  REQUIRE(mh.sign("one two three four five six seven eight nine ten", k.data(), b.data()));
  CHECK(minhasher::estimate(a.data(), b.data(), 112) == 1.0);
  REQUIRE(mh.sign("completely different words that share nothing at all with it", k.data(), b.data()));
  CHECK(minhasher::estimate(a.data(), b.data(), 112) < 0.1);
}

TEST_CASE("minhash parameters: datatrove's defaults, a threshold picks bands and rows, bad values are refused") {
  minhash_params p;
  CHECK(p.text() == "ngram=5,bands=14,rows=8");
  CHECK(p.threshold() == Approx(0.719).margin(0.001));
  CHECK(p.probability(0.8) == Approx(0.924).margin(0.001));
  for (double t : {0.5, 0.7, 0.8, 0.9}) {
    const auto q = minhash_params::for_threshold(t);
    CHECK(q.permutations() <= minhash_params::max_permutations);
    CHECK(q.threshold() == Approx(t).margin(0.06));
    CHECK(q.probability(t + 0.1) > 0.8);
    CHECK(q.probability(t - 0.2) < 0.2);
  }
  CHECK_THROWS_AS(minhash_params::for_threshold(1.0), option_error);
  CHECK_THROWS_AS(minhash_params::for_threshold(0), option_error);
  CHECK_THROWS_AS((minhash_params{5, 100, 100}.check()), option_error);
  CHECK_THROWS_AS((minhash_params{0, 14, 8}.check()), option_error);
}
