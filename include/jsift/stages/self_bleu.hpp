// jsift/stages/self_bleu.hpp — self-BLEU (Zhu et al. 2018, Texygen): the
// mean over documents of the BLEU of each against all the others as
// references, computed as NLTK's sentence_bleu does it (uniform weights over
// n = 1..max_n, clipped counts against the most frequent reference count,
// the closest reference length for the brevity penalty, 0 when no unigram
// matches, smoothing method1: a zero precision becomes 0.1 / its
// denominator). Documents are token hashes (json/tokens.hpp); n-grams are
// ngram_hash of them. Pure function: O(total tokens x max_n) with hash maps.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace jsift {

// Empty when there are fewer than two documents.
std::optional<double> self_bleu(const std::vector<std::vector<uint64_t>>& docs, unsigned max_n = 3);

}  // namespace jsift
