// jsift/json/normalize.hpp — text normalisation before comparing strings
// (dedup --normalize, stats --normalize, the gate's unique and duplicates
// checks). ASCII only, documented as such: `punct` drops ASCII punctuation,
// `ws` collapses runs of whitespace to one space and trims, `case`
// lowercases A-Z; applied in that order. Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace jsift {

struct normalization {
  bool punct = false, ws = false, case_ = false;
  // "none", "ws", "ws,case", "ws,case,punct" (any order, any subset);
  // throws option_error naming "normalize".
  static normalization parse(std::string_view text);
  bool any() const { return punct || ws || case_; }
  std::string text() const;  // canonical spelling: "none" or "punct,ws,case" order
};

// Applies `n` to `in`, writing to `out` (cleared first).
void normalize_text(std::string_view in, const normalization& n, std::string& out);
// The same into `out`, which has room for in.size() + normalize_slack bytes
// (it is written 16 bytes at a time); returns the length.
constexpr size_t normalize_slack = 16;
size_t normalize_text(std::string_view in, const normalization& n, char* out);

}  // namespace jsift
