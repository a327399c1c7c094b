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

// A value as a person reads it: a string's content, otherwise minified JSON.
std::string value_text(simdjson::dom::element v);

// The text of a path's value(s) in a record, for grouping: the value's text,
// a JSON array of the values' texts when the path reaches several, or
// "(missing)" when it reaches none.
std::string group_text(const path& p, simdjson::dom::element root);

}  // namespace jsift
