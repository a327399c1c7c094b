// jsift/json/minhash.hpp — MinHash LSH band keys of a text: what makes two
// texts near-duplicates for `dedup --near` and `diversity --near`, with
// datatrove's defaults.
//
//   shingles   word n-grams (n = 5) of the text's words (json/tokens.hpp,
//              words mode: lowercased Unicode words, each CJK character a
//              word), ASCII digits made 0, the words of a shingle joined by
//              one space; a text of 1 to n-1 words is one shingle of all of
//              them; a text without words has no signature.
//   base hash  XXH64 of the shingle's bytes, seed 0.
//   signature  for each of bands x rows permutations, the minimum over the
//              shingles of (a*h + b) mod 2^64 mod (2^61 - 1), computed in
//              64-bit unsigned arithmetic as datatrove's numpy code does;
//              a and b are drawn in pairs (a, b, a, b...) from splitmix64
//              seeded 1: a = 1 + x mod (2^61 - 2), b = x mod (2^61 - 1).
//   band keys  per band, XXH3-128 (seed: the band's number) of its `rows`
//              minima as little-endian 64-bit words. Two texts are
//              candidates when they share a band key: the probability is
//              1 - (1 - J^rows)^bands for Jaccard similarity J of their
//              shingle sets (14 x 8: 0.5 at J ~ 0.72, 0.92 at J = 0.8).
//
// minhasher is not thread-safe (it reuses buffers): one per chunk or
// thread. The permutations take 1.8 KiB.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "jsift/json/value_hash.hpp"

namespace jsift {

struct minhash_params {
  unsigned ngram = 5, bands = 14, rows = 8;
  static constexpr unsigned max_permutations = 256;
  // The bands and rows (at most max_permutations in all) whose candidate
  // curve best separates similarities below `threshold` from those above:
  // the least false-positive plus false-negative area, as text-dedup
  // chooses them. Throws option_error naming "threshold" outside (0, 1).
  static minhash_params for_threshold(double threshold, unsigned ngram = 5);
  // From the options as given (flags or config keys of these names):
  // `threshold`, or `bands` and `rows` together, and `ngram`; option_error
  // on a bad combination or value.
  static minhash_params from(std::optional<double> threshold, std::optional<uint64_t> bands, std::optional<uint64_t> rows,
                             uint64_t ngram = 5);
  // Throws option_error when a value is out of range.
  void check() const;
  unsigned permutations() const { return bands * rows; }
  double threshold() const;                 // (1/bands)^(1/rows)
  double probability(double jaccard) const; // of sharing a band key
  std::string text() const;                 // "ngram=5,bands=14,rows=8"
};

class minhasher {
 public:
  explicit minhasher(const minhash_params& p);
  const minhash_params& params() const { return p_; }
  // Writes the text's params().bands band keys to `keys` and, when `low` is
  // given, the low byte of each of its permutations' minima there (a b-bit
  // signature for estimate()). False when the text has no words (nothing
  // is written).
  bool sign(std::string_view text, hash128* keys, uint8_t* low = nullptr);
  // The Jaccard similarity two texts' low bytes estimate (Li and König's
  // b-bit estimator: equal bytes are J + (1 - J)/256 of them), in [0, 1].
  static double estimate(const uint8_t* a, const uint8_t* b, size_t permutations);

 private:
  minhash_params p_;
  std::vector<uint64_t> a_, b_, sig_, shingles_;
  std::string joined_;
  std::vector<uint32_t> ends_;
};

}  // namespace jsift
