// jsift/record_key.hpp — what makes two records "the same": the key machinery
// shared by `dedup`, `stats --unique` and the duplicate rate.
//
// A key_spec names the parts of a record that identify it (jq paths; none
// means the whole record) and how text is normalised before comparing.
// key_hasher turns a record into the XXH3-128 hash of a canonical encoding:
//   - objects compare as JSON values: members sorted by key bytes (key order
//     does not matter; repeated keys keep their order), keys compared exactly;
//   - strings compare by their unescaped bytes ("\u00e9" equals "é"), after
//     normalisation;
//   - numbers compare by value: an integral double equals the integer (1.0,
//     1, 1e0 and -0.0/0 are each one key), other doubles by their IEEE value;
//   - insignificant whitespace never matters (the DOM has none);
//   - a path with `[]` contributes the whole list in order; several paths
//     form a tuple (a missing path is a distinct "absent" marker).
// Normalisation (ASCII only, documented as such): `punct` drops ASCII
// punctuation, `ws` collapses runs of whitespace to one space and trims,
// `case` lowercases A-Z; applied in that order, to string values only.
//
// key_hasher is not thread-safe (it reuses buffers): one per chunk or thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "jsift/path.hpp"
#include "jsift/value_hash.hpp"

namespace jsift {

struct normalization {
  bool punct = false, ws = false, case_ = false;
  // "none", "ws", "ws,case", "ws,case,punct" (any order, any subset);
  // throws usage_error.
  static normalization parse(std::string_view text);
  bool any() const { return punct || ws || case_; }
  std::string text() const;  // canonical spelling: "none" or "punct,ws,case" order
};

// Applies `n` to `in`, writing to `out` (cleared first).
void normalize_text(std::string_view in, const normalization& n, std::string& out);

struct key_spec {
  std::vector<path> paths;  // empty: the whole record
  normalization norm;
  // "record;normalize=none", ".prompt,.turns[].content;normalize=ws,case":
  // stored in index files so a mismatched reuse is caught.
  std::string text() const;
};

class key_hasher {
 public:
  explicit key_hasher(const key_spec& spec) : spec_(&spec) {}
  // The record's key; false when none of the spec's paths reaches a value
  // (the record has no key and cannot be compared).
  bool hash(simdjson::dom::element root, hash128& out);
  // The key of one path only (stats --unique PATH), with the spec's normalisation.
  bool hash_path(const path& p, simdjson::dom::element root, hash128& out);
  // The key of one value.
  bool hash_value(simdjson::dom::element v, hash128& out);

 private:
  struct member {
    std::string_view key;
    simdjson::dom::element value;
  };
  void encode(simdjson::dom::element v, size_t depth);
  bool encode_path(const path& p, simdjson::dom::element root);  // false: no value
  void put_bytes(char tag, std::string_view s);
  void put_u64(uint64_t v);
  void put_char(char c);
  char* room(size_t n);  // n writable bytes at the end of buf_
  hash128 finish() const;
  const key_spec* spec_;
  std::vector<char> buf_;  // the canonical encoding; grows, never shrinks
  size_t len_ = 0;
  std::string norm_;
  std::vector<std::vector<member>> members_;  // one scratch vector per depth
};

}  // namespace jsift
