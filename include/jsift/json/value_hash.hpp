// jsift/json/value_hash.hpp — XXH3-128 hashes and the text of JSON values as a
// person reads them (group names). Record keys are in record_key.hpp.
// Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "jsift/json/path.hpp"

namespace jsift {

struct hash128 {
  uint64_t lo = 0;
  uint64_t hi = 0;
  friend bool operator==(const hash128&, const hash128&) = default;
};

hash128 hash_bytes(std::string_view bytes) noexcept;
// The key of a pair (a group's name hash, a value's key): sets of such pairs
// count distinct values per group in one set.
hash128 hash_pair(const hash128& a, const hash128& b) noexcept;

// A value as a person reads it, and as groups are named (--by): a string's
// content, unless that content reads as another JSON value ("1", "true"),
// which keeps its quotes; a number by its value, in one canonical spelling
// (1, 1.0 and 1e0 are "1"; 0.5 and 5e-1 are "0.5"); true, false, null; an
// array or object as minified JSON with numbers spelled the same way.
std::string value_text(simdjson::dom::element v);

// Whether a string's content would read as a number, true, false or null (a
// group named by it keeps its quotes, so it cannot merge with that value).
bool reads_as_other_value(std::string_view s) noexcept;

// A number's canonical spelling (above).
std::string number_text(double d);

// The text of a path's value(s) in a record, for grouping: the value's text,
// a JSON array of the values when the path reaches several, or "(missing)"
// when it reaches none.
std::string group_text(const path& p, simdjson::dom::element root);

}  // namespace jsift
