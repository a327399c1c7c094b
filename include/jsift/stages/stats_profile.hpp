// jsift/stages/stats_profile.hpp — the profile behind `jsift stats`:
// mergeable per-chunk partials (stats_partial, filled on worker threads)
// folded in input order into one stats_accumulator.
//
// What it measures over valid records: line-length distribution, counts per
// --by group, conversation-length histogram, top-level key coverage, and for
// each --unique path the distinct/total ratio overall and per group
// (XXH3-128 keys of value_hash.hpp, kept in key_sets).
//
// Memory: O(groups + distinct top-level keys) plus, per --unique path and
// for the duplicate rate, 2 x 20-30 bytes per distinct value (one set
// overall, one per group) -- or 16 KiB per set with `approx` (HyperLogLog).
// Groups and keys are capped (max_groups, max_keys); the overflow is counted
// under "(other)" so totals still add up.
//
// Exact distinct counts are order-free, so their sets are stats_sets the
// workers insert into when a chunk ends (close()), in any order, off the
// committing thread; what merges in order is counts. The per-group counts
// stay exact: all records equal to one another fall in one group, so the
// number of repeats within a group does not depend on which occurrence
// came first. (Where equal records may differ in their group's text, under
// --normalize or in a group named by an object or array, whose text keeps
// key order, a group's repeats are those of a record of the same group,
// counted in a set of (group, record) pairs.) Only the "(other)" group past max_groups, which merges
// several names, and --approx (HyperLogLog) count on the committing thread.
//
// Thread-safety: a stats_partial belongs to one chunk (one worker at a time);
// stats_sets are shared by the workers (thread-safe); the accumulator is
// merged on the committing thread only. Both copy what they need of the
// options they are built from; the sets must outlive the accumulator.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "jsift/sets/distinct_counter.hpp"
#include "jsift/sets/length_histogram.hpp"
#include "jsift/sets/shared_key_set.hpp"
#include "jsift/json/conversation.hpp"
#include "jsift/json/path.hpp"
#include "jsift/json/record_key.hpp"
#include "jsift/sets/string_counter.hpp"

namespace jsift {

class partial_writer;
class partial_reader;

struct stats_options {
  std::optional<path> by;        // group records by this path
  bool by_is_default = false;    // .record_type by default: dropped if no record has it
  std::optional<path> turns_path;  // else auto-detected (find_conversation)
  turn_unit turns_count = turn_unit::elements;  // what the turns histogram counts
  std::vector<path> unique;
  key_spec record_key;           // whole records, with --normalize (also used for --unique)
  bool duplicates = true;        // measure the duplicate rate
  bool duplicates_by_bytes = false;  // compare lines' bytes (one XXH3 pass) instead of
                                     // JSON values (as dedup and the gate do, after --normalize)
  bool approx = false;           // HyperLogLog instead of exact sets
  size_t max_groups = 10000;
  size_t max_keys = 10000;
  // The options that decide the figures, as text: tasks merge only with
  // tasks of the same.
  std::string fingerprint() const;
};

// The exact sets the workers share (unused with approx).
struct stats_sets {
  explicit stats_sets(const stats_options& o);
  bool duplicates;                      // the duplicate rate is measured
  bool pairs_everywhere;                // --normalize: every group counts (group, record) pairs
  shared_key_set whole;                 // whole-record keys
  std::optional<shared_key_set> whole_grouped;  // (group, record) pairs (--by): see close()
  std::vector<shared_key_set> unique;   // per --unique path: its values
  std::vector<shared_key_set> grouped;  // per --unique path, with --by: (group, value) pairs
  // Room for about n records' keys in each set, within 256 MiB in all.
  void reserve(uint64_t n);
};

// One chunk's statistics.
struct stats_partial {
  length_histogram lengths;  // bytes per record line
  string_counter groups;     // chunk-local group ids and counts
  std::map<uint64_t, uint64_t> turns;  // conversation length -> records
  uint64_t no_conversation = 0;
  string_counter keys;  // top-level key -> records having it
  uint64_t other_keys = 0;  // key occurrences past max_keys
  struct unique_keys {
    std::vector<std::pair<uint32_t, hash128>> keys;  // (group id, key)
    uint64_t missing = 0;
  };
  std::vector<unique_keys> unique;
  std::vector<std::pair<uint32_t, hash128>> records;  // (group id, whole-record key)
  key_hasher hasher;
  // Set by close(): the keys went into the shared sets, and what they found.
  bool closed = false;
  uint64_t record_keys = 0;              // records hashed for the duplicate rate
  std::vector<uint64_t> repeats;         // per group id: records whose key was already in
  std::vector<std::vector<uint64_t>> new_pairs;  // per --unique path, per group id: new (group, value) pairs

  explicit stats_partial(const stats_options& o) : keys(o.max_keys), unique(o.unique.size()), hasher(o.record_key) {}
  // A parsed record: `doc` holds it (its root is the record).
  void add(const stats_options& o, std::string_view line, const simdjson::dom::document& doc);
  // After the chunk's last record, on its worker (exact mode): inserts the
  // chunk's keys into the shared sets and keeps only the counts (and the
  // --unique values when grouping, in case a group turns out "(other)").
  void close(const stats_options& o, stats_sets& sets);
};

class stats_accumulator {
 public:
  // `sets`: where closed partials put their keys (null with approx, and
  // when `mergeable`). A mergeable accumulator counts everything itself,
  // each group's records in a set of its own, so that write_partial() can
  // give a task's result to `jsift merge` (stats_merge.hpp), which folds the
  // tasks' in order with read_merge() into what one run would count.
  stats_accumulator(const stats_options& o, const stats_sets* sets, bool mergeable = false);
  void merge(stats_partial& p);
  void write_partial(partial_writer& w) const;
  void read_merge(partial_reader& r);

  struct unique_count {
    explicit unique_count(bool approx) : distinct(approx) {}
    uint64_t total = 0;  // records where the path has a value
    uint64_t missing = 0;
    distinct_counter distinct;  // counted here, on the committing thread
    const shared_key_set* shared = nullptr;  // or counted by the workers in this set
    uint64_t shared_new = 0;                 // or as this many new (group, value) pairs
    uint64_t count() const { return distinct.count() + (shared ? shared->size() : 0) + shared_new; }
  };
  struct group {
    std::string name;
    uint64_t records = 0;
    std::vector<unique_count> unique;  // per --unique path
    // Duplicate rate. Equal records have equal group values, so the overall
    // set decides (exact mode) and the group only counts; --approx keeps a
    // HyperLogLog per group instead, and a mergeable accumulator a set of
    // the group's own (exact or HyperLogLog).
    uint64_t duplicates = 0;
    std::optional<distinct_counter> own_records;
    uint64_t duplicate_count() const {
      if (!own_records) return duplicates;
      return records - std::min(records, own_records->count());
    }
  };

  const stats_options& options() const { return o_; }
  uint64_t records() const { return lengths_.count(); }
  const length_histogram& lengths() const { return lengths_; }
  // Groups, most records first, then by name.
  std::vector<const group*> groups_sorted() const;
  bool any_group_value() const { return grouped_records_ > 0; }
  const std::map<uint64_t, uint64_t>& turns() const { return turns_; }
  uint64_t no_conversation() const { return no_conversation_; }
  // Keys, most common first, then by name.
  std::vector<std::pair<std::string, uint64_t>> keys_sorted() const;
  const std::vector<unique_count>& unique() const { return unique_; }
  const unique_count& whole() const { return whole_; }

 private:
  size_t group_index(std::string_view name);
  // The overflow group past max_groups merges several names: its distinct
  // values are counted here, not from (group, value) pairs.
  bool is_other(size_t g) const { return groups_[g].name == "(other)"; }
  stats_options o_;
  bool mergeable_ = false;
  length_histogram lengths_;
  std::vector<group> groups_;
  string_counter group_ids_;  // name -> index into groups_
  uint64_t grouped_records_ = 0;  // records whose --by path had a value
  std::map<uint64_t, uint64_t> turns_;
  uint64_t no_conversation_ = 0;
  string_counter keys_;
  uint64_t other_keys_ = 0;  // records' keys past max_keys
  std::vector<unique_count> unique_;
  unique_count whole_;
};

}  // namespace jsift
