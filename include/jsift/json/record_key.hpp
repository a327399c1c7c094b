// jsift/json/record_key.hpp — what makes two records "the same": the key machinery
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
// Normalisation (json/normalize.hpp) applies to string values only.
//
// key_hasher is not thread-safe (it reuses buffers): one per chunk or thread.
// Each holds a 64 KiB encoding buffer and a 20 KiB cache of member orders.
// It copies its key_spec: nothing it is built from must outlive it.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "jsift/json/normalize.hpp"
#include "jsift/json/path.hpp"
#include "jsift/json/value_hash.hpp"

namespace jsift {

struct key_spec {
  std::vector<path> paths;  // empty: the whole record
  normalization norm;
  // From the paths and the normalisation as written (flags or a config
  // table); option_error names "key" or "normalize".
  static key_spec parse(const std::vector<std::string>& paths, std::string_view normalize);
  // "record;normalize=none", ".prompt,.turns[].content;normalize=ws,case":
  // stored in index files so a mismatched reuse is caught.
  std::string text() const;
};

class key_hasher {
 public:
  explicit key_hasher(const key_spec& spec);
  ~key_hasher();
  key_hasher(key_hasher&&) noexcept;
  key_hasher& operator=(key_hasher&&) noexcept;
  // The record's key; false when none of the spec's paths reaches a value
  // (the record has no key and cannot be compared).
  bool hash(simdjson::dom::element root, hash128& out);
  // The same key for the record a parser just parsed into `doc`; a whole
  // record is read straight off simdjson's tape (documented in simdjson's
  // doc/tape.md): `dedup` took 0.67 s instead of 0.86 s on the 1 GB bench file.
  bool hash(const simdjson::dom::document& doc, hash128& out);
  // The key of one path only (stats --unique PATH), with the spec's normalisation.
  bool hash_path(const path& p, simdjson::dom::element root, hash128& out);
  // The key of one value.
  bool hash_value(simdjson::dom::element v, hash128& out);

 private:
  struct impl;  // the encoder's buffers and scratch (record_key.cpp)
  std::unique_ptr<impl> impl_;
};

}  // namespace jsift
