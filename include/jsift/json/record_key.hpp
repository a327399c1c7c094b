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
// Normalisation (ASCII only, documented as such): `punct` drops ASCII
// punctuation, `ws` collapses runs of whitespace to one space and trims,
// `case` lowercases A-Z; applied in that order, to string values only.
//
// key_hasher is not thread-safe (it reuses buffers): one per chunk or thread.
// Each holds a 64 KiB encoding buffer and a 20 KiB cache of member orders.
#pragma once

#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "jsift/json/path.hpp"
#include "jsift/json/value_hash.hpp"

struct XXH3_state_s;

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
// The same into `out`, which has room for in.size() + normalize_slack bytes
// (it is written 16 bytes at a time); returns the length.
constexpr size_t normalize_slack = 16;
size_t normalize_text(std::string_view in, const normalization& n, char* out);

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
  struct member {
    std::string_view key;
    simdjson::dom::element value;
  };
  struct tape_member {
    std::string_view key;
    size_t value;  // tape index
  };
  struct level {  // the scratch of one nesting depth
    std::vector<member> members;
    std::vector<tape_member> tape_members;
    std::vector<uint64_t> order;  // member indexes in key order
  };
  struct order_cache;
  struct stream_deleter {
    void operator()(XXH3_state_s* s) const;
  };
  template <class Member, class EncodeValue>
  void put_object(const std::vector<Member>& members, std::vector<uint64_t>& order, EncodeValue&& encode_value);
  void encode(simdjson::dom::element v, size_t depth);
  void encode_tape(const uint64_t* tape, const uint8_t* strings, size_t i, size_t depth);
  bool encode_path(const path& p, simdjson::dom::element root);  // false: no value
  void start();
  void reserve();  // room for one more value's worst case
  void spill();    // streams the buffer into stream_
  hash128 finish();
  void put_char(char c);
  void put_u64(uint64_t v);
  void tagged(char tag, uint64_t v);
  void put_bytes(char tag, std::string_view s);
  void put_string(std::string_view s);
  void put_int64(int64_t v);
  void put_uint64(uint64_t u);
  void put_double(double d);

  const key_spec* spec_;
  std::unique_ptr<char[]> buf_;  // the canonical encoding, or its latest part
  char* w_ = nullptr;            // the write cursor in buf_
  bool streaming_ = false;       // earlier parts went to stream_
  std::unique_ptr<XXH3_state_s, stream_deleter> stream_;
  std::vector<char> norm_;  // normalised text
  std::deque<level> levels_;  // one per depth (references stay valid as it grows)
  std::unique_ptr<order_cache> orders_;
};

}  // namespace jsift
