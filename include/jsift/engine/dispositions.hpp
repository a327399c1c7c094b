// jsift/engine/dispositions.hpp — every input line's one disposition, counted.
//
// The names are registered once per job (disposition_names, shared and
// immutable once the job starts); each chunk counts into its own
// disposition_counts (a vector indexed like the names) and the counts merge
// by addition in commit order. The invariant of DESIGN.md — input lines ==
// sum of dispositions — is checked by tests and by the summary's total.
// Thread-safety: names are registered before a pass and only read during it;
// a disposition_counts belongs to one chunk or to the committing thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "jsift/engine/record_parser.hpp"
#include "jsift/io/json_writer.hpp"

namespace jsift {

// Where a disposition comes in reports: kept, expanded:, filtered:,
// duplicate, sampled_out, invalid:, blank, then the others.
int disposition_rank(std::string_view name);

class disposition_names {
 public:
  // Fixed ids: kept, blank, then one per invalid_reason.
  static constexpr size_t kept = 0;
  static constexpr size_t blank = 1;
  static constexpr size_t invalid_base = 2;
  static size_t invalid(invalid_reason r) { return invalid_base + size_t(r); }

  disposition_names();
  // Registers "filtered:<what>", "duplicate", "sampled_out"...; returns its id.
  size_t add(std::string name);
  size_t size() const { return names_.size(); }
  const std::string& name(size_t id) const { return names_[id]; }

 private:
  std::vector<std::string> names_;
};

class disposition_counts {
 public:
  explicit disposition_counts(size_t n = 0) : counts_(n, 0) {}
  void add(size_t id, uint64_t n = 1) { counts_[id] += n; }
  // Re-disposes n lines counted under `from` (kept -> duplicate at commit).
  void move(size_t from, size_t to, uint64_t n = 1) {
    counts_[from] -= n;
    counts_[to] += n;
  }
  void merge(const disposition_counts& o);
  uint64_t get(size_t id) const { return id < counts_.size() ? counts_[id] : 0; }
  uint64_t total() const;
  // Non-zero counts in report order: kept, filtered:*, duplicate,
  // sampled_out, invalid:*, blank.
  std::vector<std::pair<std::string, uint64_t>> listed(const disposition_names& names) const;
  // {"kept": 800, "filtered:--turns 5..10": 190, ..., "total": 990}, in report order.
  void write_json(json_writer& w, const disposition_names& names) const;

 private:
  std::vector<uint64_t> counts_;
};

}  // namespace jsift
