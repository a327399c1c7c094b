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
// record's bytes (identical records land together); with them, of the
// canonical key (record_key.hpp); a record whose key paths reach nothing falls
// back to its bytes.
//
// Immutable once built: bucket() is safe from any number of threads (each
// with its own key_hasher built from key()).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "jsift/engine/record_job.hpp"
#include "jsift/json/record_key.hpp"

namespace jsift {

// Throws option_error(field) unless `name` can name a file or directory.
void check_split_name(std::string_view name, std::string_view field);

class split_router {
 public:
  using ratio = std::pair<std::string, double>;
  split_router(std::vector<ratio> ratios, key_spec key, uint64_t seed);

  size_t size() const { return ratios_.size(); }
  const std::vector<ratio>& ratios() const { return ratios_; }
  const std::string& name(size_t bucket) const { return ratios_[bucket].first; }
  const key_spec& key() const { return key_; }
  uint64_t seed() const { return seed_; }

  // The split of a record; `kh` hashes with key().
  size_t bucket(key_hasher& kh, const record_ref& rec) const;
  // The split of a split hash (bucket i takes hashes below cut i; the last
  // takes the rest, so rounding never loses a record).
  size_t bucket_of(uint64_t hash) const;

 private:
  std::vector<ratio> ratios_;
  key_spec key_;
  uint64_t seed_;
  std::vector<uint64_t> cuts_;
};

}  // namespace jsift
