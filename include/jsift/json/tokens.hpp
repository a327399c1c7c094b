// jsift/json/tokens.hpp — the tokens `jsift diversity` counts n-grams of.
//
// words (the default): Unicode-aware words, lowercased. A token is a run of
// letters, marks and digits (Unicode categories L*, M*, N*; a mark with no
// letter or digit before it, such as an emoji's variation selector, is
// ignored); whitespace,
// punctuation, symbols and controls separate tokens; each CJK ideograph,
// kana and Hangul syllable is a token of its own (Chinese and Japanese text
// has no spaces). ASCII text never reaches utf8proc.
//
// whitespace: the Python `diversity` package's rule (Shaib et al. 2024):
// split on the space character only, so "a  b" is three tokens, one empty.
//
// A token is identified by the XXH3-64 hash of its (lowercased) bytes; an
// n-gram by the hash of its tokens' hashes (ngram_hash). Pure functions,
// thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace jsift {

enum class token_mode : uint8_t { words, whitespace };

// "words" or "whitespace"; throws option_error naming `flag`.
token_mode parse_token_mode(std::string_view text, std::string_view flag);
std::string_view token_mode_name(token_mode m);

// Appends the hashes of `text`'s tokens to `hashes`; when `opening` is given
// and holds fewer than `opening_tokens` tokens, appends the first tokens
// (as counted, lowercased) to it, separated by one space, and counts them
// in `opening_count`. Returns how many tokens the text has.
size_t tokenize(std::string_view text, token_mode mode, std::vector<uint64_t>& hashes, std::string* opening = nullptr,
                size_t* opening_count = nullptr, size_t opening_tokens = 5);

// The words of `text` (words mode), each ASCII digit 1-9 made 0 when
// `digits_to_zero`, written to `joined` separated by one space; `ends` gets
// each word's end offset in `joined`. Returns the number of words. The
// shingles of MinHash (json/minhash.hpp).
size_t split_words(std::string_view text, bool digits_to_zero, std::string& joined, std::vector<uint32_t>& ends);

// Python's str.split(): the hashes of the pieces between runs of
// whitespace (ASCII \t \n \v \f \r, space, \x1c-\x1f, and U+0085, U+00A0,
// U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000), none
// empty. Self-repetition's tokens in whitespace mode, as the Python
// `diversity` package splits a document for it. Returns how many.
size_t split_on_whitespace_runs(std::string_view text, std::vector<uint64_t>& hashes);

// The hash of the n-gram of the n token hashes at `tokens`.
uint64_t ngram_hash(const uint64_t* tokens, size_t n) noexcept;

}  // namespace jsift
