// jsift/jobs/select_jobs.hpp — deterministic selection for `rebalance` and `sample`.
//
// Every record gets a selection key: a seeded XXH3-64 of its bytes (or of
// its --key value, canonical as in record_key.hpp), then its file and byte
// offset to break ties. A group keeps its k records with the smallest keys
// (bottom-k): deterministic for a seed, independent of -j and of how the
// input is chunked, and mergeable across partitions.
//
// Passes over the input (files are re-read; stdin is spooled to a temporary
// file first, see input_list.hpp):
//   1. threshold_job: counts records per group and, for each group with a
//      quota, keeps a max-heap of its k smallest keys. Memory: k keys (24 B
//      each) per group. With quotas that depend on counts (--target,
//      --equal) a first run with k = 0 only counts.
//   2. emit_job: re-reads the input and keeps each record whose key is at or
//      under its group's threshold, in input order, byte-for-byte; a group
//      that is upsampled repeats every record `base` times and the
//      threshold's records once more. `sample --fraction` needs only this
//      pass: a record is kept when its hash falls under the fraction.
// Workers only read the plan; the output never depends on the thread count.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "jsift/io/output_file.hpp"
#include "jsift/json/path.hpp"
#include "jsift/stages/quota.hpp"
#include "jsift/engine/record_job.hpp"
#include "jsift/json/record_key.hpp"

namespace jsift {

struct transparent_string_hash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

struct selector {
  std::optional<path> by;  // groups (none: one group, "(all)")
  key_spec key;            // hash these paths instead of the record's bytes
  uint64_t seed = 0;
};

struct sel_key {
  uint64_t hash = 0;
  uint32_t file = 0;
  uint64_t offset = 0;
  friend auto operator<=>(const sel_key&, const sel_key&) = default;
};

// What the emit pass does with a group.
struct group_plan {
  uint64_t base = 0;               // copies of every record (upsampling), usually 0
  std::optional<sel_key> threshold;  // records with key <= threshold get one more copy
  bool all = false;                // keep every record once (--others keep)
};

class threshold_job final : public record_job {
 public:
  // k_of(group) is the number of smallest keys to keep for the group
  // (0: count only).
  threshold_job(const std::vector<input_file>& files, record_job_options ro, const selector& sel,
                std::map<std::string, uint64_t> k);
  const std::map<std::string, uint64_t>& counts() const { return counts_; }
  // The k-th smallest key of each group that has k keys.
  std::map<std::string, sel_key> thresholds() const;
  void set_default_k(uint64_t k) { default_k_ = k; }

 protected:
  std::unique_ptr<record_chunk> make_chunk() const override;
  void on_record(record_chunk& rc, const record_ref& rec) const override;
  void on_commit(record_chunk& rc) override;

 private:
  const selector& sel_;
  std::map<std::string, uint64_t> k_;
  uint64_t default_k_ = 0;  // for groups not in k_
  std::map<std::string, uint64_t> counts_;
  std::map<std::string, std::vector<sel_key>> heaps_;  // max-heaps of the smallest keys
};

class emit_job final : public record_job {
 public:
  // Plan mode: `plans` per group (a group not listed keeps nothing).
  emit_job(const std::vector<input_file>& files, record_job_options ro, const selector& sel,
           std::map<std::string, group_plan> plans, output_file& out);
  // Fraction mode: keep a record when its hash is under `fraction`.
  emit_job(const std::vector<input_file>& files, record_job_options ro, const selector& sel, double fraction,
           output_file& out);
  uint64_t extra_copies() const { return extra_; }

 protected:
  std::unique_ptr<record_chunk> make_chunk() const override;
  void on_record(record_chunk& rc, const record_ref& rec) const override;
  void on_commit(record_chunk& rc) override;
  bool emits_records() const override { return true; }

 private:
  const selector& sel_;
  std::unordered_map<std::string, group_plan, transparent_string_hash, std::equal_to<>> plans_;
  std::optional<uint64_t> fraction_cut_;
  size_t sampled_out_id_;
  output_file& out_;
  uint64_t extra_ = 0;
};

// Heap sizes for the threshold pass: for each group, how many smallest keys
// decide its quota (the remainder when upsampling; 0 when the group is kept
// whole or not at all).
std::map<std::string, uint64_t> threshold_sizes(const std::map<std::string, quota>& quotas);
// What the emit pass does per group, from the quotas and the thresholds the
// threshold pass found.
std::map<std::string, group_plan> make_group_plans(const std::map<std::string, quota>& quotas,
                                                   const std::map<std::string, sel_key>& thresholds);

// The group and selection key of a record (used by both passes).
struct record_selection {
  std::string group;
  sel_key key;
};
void select_record(const selector& sel, key_hasher& kh, const record_ref& rec, record_selection& out);

}  // namespace jsift
