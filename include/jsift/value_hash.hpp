// jsift/value_hash.hpp — canonical keys of JSON values and their XXH3-128
// hashes, shared by uniqueness statistics and (later) dedup.
//
// A value's key is a type tag followed by its content: a string by its
// unescaped bytes (so "\u00e9" and "é" are the same key), any other value by
// simdjson's minified serialisation. A path's key in a record is the tuple
// of every value the path reaches, in order (`.turns[].content` is the whole
// list). Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "jsift/path.hpp"

namespace jsift {

struct hash128 {
  uint64_t lo = 0;
  uint64_t hi = 0;
  friend bool operator==(const hash128&, const hash128&) = default;
};

hash128 hash_bytes(std::string_view bytes) noexcept;

// Appends the canonical key of v to out.
void append_value_key(std::string& out, simdjson::dom::element v);

// The key of `p` in `root` hashed into `out`; false when the path reaches no
// value. `scratch` is reused between calls to avoid allocation.
bool path_key_hash(const path& p, simdjson::dom::element root, std::string& scratch, hash128& out);

// A value as a person reads it: a string's content, otherwise minified JSON.
std::string value_text(simdjson::dom::element v);

// The text of a path's value(s) in a record, for grouping: the value's text,
// a JSON array of the values' texts when the path reaches several, or
// "(missing)" when it reaches none.
std::string group_text(const path& p, simdjson::dom::element root);

}  // namespace jsift
