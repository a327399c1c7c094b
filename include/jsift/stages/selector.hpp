// jsift/stages/selector.hpp — what a selection (rebalance, sample, run's
// [rebalance]) needs of each record: its group and its selection key.
//
// The selection key is a seeded XXH3-64 of the record's bytes (or of its
// --key value, canonical as in record_key.hpp), then its file and byte offset
// to break ties: deterministic for a seed, independent of -j and of how the
// input is chunked, and mergeable across partitions.
//
// A selector is immutable once built and safe to share between threads; the
// key_hasher passed to select_record() is the caller's (one per chunk).
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "jsift/engine/record_job.hpp"
#include "jsift/json/path.hpp"
#include "jsift/json/record_key.hpp"

namespace jsift {

struct selector {
  std::optional<path> by;  // groups (none: one group, "(all)")
  key_spec key;            // hash these paths instead of the record's bytes
  uint64_t seed = 0;
  // From the options as written: `by` ("" : one group) and `key` paths;
  // option_error names "by" or "key".
  static selector parse(std::string_view by, const std::vector<std::string>& key, uint64_t seed);
};

struct sel_key {
  uint64_t hash = 0;
  uint32_t file = 0;
  uint64_t offset = 0;
  friend auto operator<=>(const sel_key&, const sel_key&) = default;
};

// The group and selection key of one record.
struct record_selection {
  std::string group;
  sel_key key;
};
void select_record(const selector& sel, key_hasher& kh, const record_ref& rec, record_selection& out);

}  // namespace jsift
