#include "jsift/json/minhash.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>
#include <xxhash.h>

#include "jsift/error.hpp"
#include "jsift/json/tokens.hpp"

namespace jsift {
namespace {

constexpr uint64_t mersenne61 = (uint64_t(1) << 61) - 1;

uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// The signature: per permutation, the least (a*h + b) mod 2^64 mod p over
// the shingle hashes. The loop over permutations vectorises; the clones let
// machines with AVX-512 (64-bit lane multiplies) or AVX2 use them. Not under
// ThreadSanitizer: the clones' resolver (an ifunc) runs before its runtime
// is up, and the binary crashes at start.
#if defined(__SANITIZE_THREAD__)
#define JSIFT_SIGNATURE_CLONES
#else
#define JSIFT_SIGNATURE_CLONES __attribute__((target_clones("arch=skylake-avx512", "avx2", "default")))
#endif
JSIFT_SIGNATURE_CLONES
void min_permutations(const uint64_t* h, size_t n, const uint64_t* a, const uint64_t* b, size_t k, uint64_t* sig) {
  for (size_t i = 0; i < k; ++i) sig[i] = UINT64_MAX;
  for (size_t j = 0; j < n; ++j) {
    const uint64_t x = h[j];
    for (size_t i = 0; i < k; ++i) {
      uint64_t v = a[i] * x + b[i];
      v = (v & mersenne61) + (v >> 61);  // below p + 8: one subtraction makes it v mod p
      v = v >= mersenne61 ? v - mersenne61 : v;
      sig[i] = v < sig[i] ? v : sig[i];
    }
  }
}

double area(double from, double to, unsigned bands, unsigned rows, bool above) {
  constexpr int steps = 200;
  const double step = (to - from) / steps;
  double s = 0;
  for (int i = 0; i < steps; ++i) {
    const double j = from + (i + 0.5) * step;
    const double p = 1 - std::pow(1 - std::pow(j, rows), bands);
    s += (above ? 1 - p : p) * step;
  }
  return s;
}

}  // namespace

minhash_params minhash_params::for_threshold(double threshold, unsigned ngram) {
  if (!(threshold > 0 && threshold < 1)) throw option_error("threshold", fmt::format("expected a similarity between 0 and 1, got {}", threshold));
  minhash_params best{ngram, 1, 1};
  double best_error = std::numeric_limits<double>::max();
  for (unsigned b = 1; b <= max_permutations; ++b)
    for (unsigned r = 1; b * r <= max_permutations; ++r) {
      const double e = area(0, threshold, b, r, false) + area(threshold, 1, b, r, true);
      if (e < best_error - 1e-12) best_error = e, best = {ngram, b, r};
    }
  return best;
}

minhash_params minhash_params::from(std::optional<double> threshold, std::optional<uint64_t> bands, std::optional<uint64_t> rows,
                                    uint64_t ngram) {
  if (threshold && (bands || rows)) throw option_error("threshold", "give threshold or bands and rows, not both");
  if (bands.has_value() != rows.has_value()) throw option_error(bands ? "rows" : "bands", "bands and rows go together");
  if (ngram < 1 || ngram > 64) throw option_error("ngram", fmt::format("expected 1 to 64 words, got {}", ngram));
  minhash_params p;
  p.ngram = unsigned(ngram);
  if (threshold) p = for_threshold(*threshold, p.ngram);
  if (bands) {
    if (*bands < 1 || *rows < 1 || *bands > max_permutations || *rows > max_permutations || *bands * *rows > max_permutations)
      throw option_error("bands", fmt::format("expected bands x rows between 1 and {}, got {} x {}", max_permutations, *bands, *rows));
    p.bands = unsigned(*bands), p.rows = unsigned(*rows);
  }
  p.check();
  return p;
}

void minhash_params::check() const {
  if (ngram < 1 || ngram > 64) throw option_error("ngram", fmt::format("expected 1 to 64 words, got {}", ngram));
  if (bands < 1 || rows < 1 || permutations() > max_permutations)
    throw option_error("bands", fmt::format("expected bands x rows between 1 and {}, got {} x {}", max_permutations, bands, rows));
}

double minhash_params::threshold() const { return std::pow(1.0 / bands, 1.0 / rows); }

double minhash_params::probability(double j) const { return 1 - std::pow(1 - std::pow(j, rows), bands); }

std::string minhash_params::text() const { return fmt::format("ngram={},bands={},rows={}", ngram, bands, rows); }

minhasher::minhasher(const minhash_params& p) : p_(p) {
  p_.check();
  uint64_t state = 1;
  for (unsigned i = 0; i < p_.permutations(); ++i) {
    a_.push_back(1 + splitmix64(state) % (mersenne61 - 1));
    b_.push_back(splitmix64(state) % mersenne61);
  }
  sig_.resize(p_.permutations());
}

bool minhasher::sign(std::string_view text, hash128* keys, uint8_t* low) {
  const size_t words = split_words(text, true, joined_, ends_);
  if (words == 0) return false;
  shingles_.clear();
  const size_t n = p_.ngram;
  if (words < n) {
    shingles_.push_back(XXH64(joined_.data(), joined_.size(), 0));
  } else {
    for (size_t i = 0; i + n <= words; ++i) {
      const size_t from = i ? ends_[i - 1] + 1 : 0;
      shingles_.push_back(XXH64(joined_.data() + from, ends_[i + n - 1] - from, 0));
    }
  }
  min_permutations(shingles_.data(), shingles_.size(), a_.data(), b_.data(), sig_.size(), sig_.data());
  for (unsigned band = 0; band < p_.bands; ++band) {
    const XXH128_hash_t h = XXH3_128bits_withSeed(sig_.data() + size_t(band) * p_.rows, p_.rows * sizeof(uint64_t), band);
    keys[band] = {h.low64, h.high64};
  }
  if (low)
    for (size_t i = 0; i < sig_.size(); ++i) low[i] = uint8_t(sig_[i]);
  return true;
}

double minhasher::estimate(const uint8_t* a, const uint8_t* b, size_t k) {
  if (k == 0) return 0;
  size_t same = 0;
  for (size_t i = 0; i < k; ++i) same += a[i] == b[i];
  const double j = (double(same) / double(k) - 1.0 / 256) / (1 - 1.0 / 256);
  return std::clamp(j, 0.0, 1.0);
}

}  // namespace jsift
