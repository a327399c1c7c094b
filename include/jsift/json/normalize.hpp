// jsift/json/normalize.hpp — text normalisation before comparing strings
// (dedup --normalize, stats --normalize, the gate's unique and duplicates
// checks). Unicode modes first, through utf8proc: `nfkc` (compatibility
// composition: full-width forms become ASCII, ligatures letters) and `fold`
// (full Unicode case folding after canonical composition: "ÉCOLE" and
// "école", "Straße" and "STRASSE" are equal); then the ASCII modes: `punct`
// drops ASCII punctuation, `ws` collapses runs of whitespace to one space
// and trims, `case` lowercases A-Z; applied in that order. A string of ASCII
// bytes never reaches utf8proc (`fold` is `case` there). Pure functions,
// thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace jsift {

struct normalization {
  bool nfkc = false, fold = false;          // Unicode (utf8proc)
  bool punct = false, ws = false, case_ = false;  // ASCII
  // "none", "ws", "ws,case", "nfkc,fold,ws" (any order, any subset);
  // throws option_error naming "normalize".
  static normalization parse(std::string_view text);
  bool any() const { return nfkc || fold || punct || ws || case_; }
  bool unicode() const { return nfkc || fold; }
  // What these modes do to ASCII text, with ASCII rules only (`fold` is `case` there).
  normalization for_ascii() const;
  std::string text() const;  // canonical spelling: "none" or "nfkc,fold,punct,ws,case" order
};

// The Unicode version of the tables behind `nfkc` and `fold` ("15.0.0"):
// keys stored by one version are not comparable with another's.
std::string unicode_version();

// True if every byte of `s` is below 0x80 (16 bytes at a time).
bool is_ascii(std::string_view s);

// Applies `n` to `in`, writing to `out` (cleared first).
void normalize_text(std::string_view in, const normalization& n, std::string& out);
// The ASCII modes only (`n.unicode()` must be false: a Unicode mode can
// lengthen text), into `out`, which has room for in.size() +
// normalize_slack bytes (it is written 16 bytes at a time); returns the length.
constexpr size_t normalize_slack = 16;
size_t normalize_text(std::string_view in, const normalization& n, char* out);

}  // namespace jsift
