// jsift/stages/split_router.hpp — the split decision, shared by `jsift
// split` and `jsift run`'s [split] table: every record goes to one split
// (train/eval...) by a seeded hash of its key, so the assignment is stable
// when data is appended or reordered, and records sharing a key (a
// conversation id) always land together.
//
// The constructor is the one place the splits are checked (option_error
// "ratios"): at least one split; names usable as file names (not empty, no
// '/', not "." or ".."; check_split_name() is the rule `shard --split` uses
// too); shares from 0 to 1 that sum to 1. Without key paths the hash is of the
// record's bytes (identical records land together); with them (several paths
// form a tuple), of the canonical key (record_key.hpp). A record whose key
// paths reach nothing has no split: the job stops at it (keyless fail, the
// default) or counts it as filtered:keyless (skip), never a silent fallback
// that would let a group's records leak across splits.
//
// Immutable once built: bucket() is safe from any number of threads (each
// with its own key_hasher built from key()).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "jsift/engine/record_job.hpp"
#include "jsift/json/record_key.hpp"

namespace jsift {

// Throws option_error(field) unless `name` can name a file or directory.
void check_split_name(std::string_view name, std::string_view field);

enum class keyless_policy { fail, skip };

class split_router {
 public:
  using ratio = std::pair<std::string, double>;
  split_router(std::vector<ratio> ratios, key_spec key, uint64_t seed, keyless_policy keyless = keyless_policy::fail);

  size_t size() const { return ratios_.size(); }
  const std::vector<ratio>& ratios() const { return ratios_; }
  const std::string& name(size_t bucket) const { return ratios_[bucket].first; }
  const key_spec& key() const { return key_; }
  uint64_t seed() const { return seed_; }
  keyless_policy keyless() const { return keyless_; }
  // "--key .a --key .b" / ".a, .b": the key paths as the user reads them.
  std::string key_text() const;

  // The split of a record (`kh` hashes with key()); none when the key paths
  // reach no value.
  std::optional<size_t> bucket(key_hasher& kh, const record_ref& rec) const;
  // The split of a split hash (bucket i takes hashes below cut i; the last
  // takes the rest, so rounding never loses a record).
  size_t bucket_of(uint64_t hash) const;

 private:
  std::vector<ratio> ratios_;
  key_spec key_;
  uint64_t seed_;
  keyless_policy keyless_;
  std::vector<uint64_t> cuts_;
};

}  // namespace jsift
