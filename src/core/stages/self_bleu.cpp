#include "jsift/stages/self_bleu.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <unordered_map>

#include "jsift/json/tokens.hpp"

namespace jsift {
namespace {

// Per n-gram: the highest count in one document, which document, and the
// highest count in any other (the reference count when that one is the hypothesis).
struct best_counts {
  uint32_t first = 0, second = 0;
  size_t doc = SIZE_MAX;
  void offer(uint32_t c, size_t d) {
    if (c > first) second = first, first = c, doc = d;
    else if (c > second) second = c;
  }
  uint32_t without(size_t d) const { return doc == d ? second : first; }
};

using gram_counts = std::unordered_map<uint64_t, uint32_t>;

gram_counts count_grams(const std::vector<uint64_t>& doc, unsigned n) {
  gram_counts c;
  for (size_t i = 0; i + n <= doc.size(); ++i) ++c[ngram_hash(&doc[i], n)];
  return c;
}

// NLTK's closest_ref_length: the length nearest the hypothesis's, the shorter on a tie.
size_t closest_length(const std::vector<size_t>& lengths, size_t self, size_t hyp) {
  size_t best = 0;
  bool any = false;
  for (size_t j = 0; j < lengths.size(); ++j) {
    if (j == self) continue;
    const size_t r = lengths[j];
    const size_t d = r > hyp ? r - hyp : hyp - r, bd = best > hyp ? best - hyp : hyp - best;
    if (!any || d < bd || (d == bd && r < best)) best = r, any = true;
  }
  return best;
}

}  // namespace

std::optional<double> self_bleu(const std::vector<std::vector<uint64_t>>& docs, unsigned max_n) {
  if (docs.size() < 2 || max_n == 0) return std::nullopt;
  std::vector<std::vector<gram_counts>> counts(docs.size());
  std::vector<std::unordered_map<uint64_t, best_counts>> best(max_n);
  std::vector<size_t> lengths;
  for (size_t d = 0; d < docs.size(); ++d) {
    lengths.push_back(docs[d].size());
    for (unsigned n = 1; n <= max_n; ++n) {
      counts[d].push_back(count_grams(docs[d], n));
      for (const auto& [g, c] : counts[d].back()) best[n - 1][g].offer(c, d);
    }
  }
  double sum = 0;
  for (size_t d = 0; d < docs.size(); ++d) {
    const size_t hyp = docs[d].size();
    std::vector<double> num(max_n), den(max_n);
    for (unsigned n = 1; n <= max_n; ++n) {
      for (const auto& [g, c] : counts[d][n - 1]) num[n - 1] += std::min<uint32_t>(c, best[n - 1].at(g).without(d));
      den[n - 1] = double(std::max<size_t>(1, hyp >= n ? hyp - n + 1 : 0));
    }
    if (num[0] == 0) continue;  // BLEU 0
    const size_t ref = closest_length(lengths, d, hyp);
    const double bp = hyp > ref ? 1.0 : std::exp(1.0 - double(ref) / double(hyp));
    double s = 0;
    for (unsigned n = 0; n < max_n; ++n) s += (1.0 / max_n) * std::log((num[n] == 0 ? 0.1 : num[n]) / den[n]);
    sum += bp * std::exp(s);
  }
  return sum / double(docs.size());
}

}  // namespace jsift
