// jsift/stages/gate_checks.hpp — the checks of `jsift gate` (and of `jsift
// run`'s [[check]] tables): named measurements with thresholds, each a small
// per-chunk state filled on the workers and merged in input order, so results
// never depend on -j. The types and their keys are listed in README.md
// ("jsift gate").
//
// A check reads its settings through check_settings, which config/
// implements over a TOML table (config/gate_config.hpp): each check validates
// its own keys in its constructor, in one place, and every mistake names
// FILE:LINE:COLUMN — a typo must never silently pass a gate.
//
// Thread-safety: add() and close() run on workers with a state from
// make_state() (the check itself is read-only there, but for its
// thread-safe shared sets); merge() and evaluate() run on the committing
// thread.
//
// Across tasks (gate --tasks N --task I --partial FILE, then jsift merge): a
// check told for_partial() before the pass keeps what it measured in a form
// that merges (its distinct values as sets, not counts of new ones);
// write_partial() writes that after the pass, and read_merge() adds a
// task's, in task order, to a check that ran no pass. The result of the
// merge is the single run's (places aside: a task names FILE@BYTE).
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "jsift/engine/record_job.hpp"
#include "jsift/json/path.hpp"

namespace jsift {

struct check_result {
  check_result() = default;
  check_result(std::string name_, std::string type_, bool passed_, std::string measured_, std::string threshold_,
               std::vector<std::string> details_)
      : name(std::move(name_)), type(std::move(type_)), passed(passed_), measured(std::move(measured_)),
        threshold(std::move(threshold_)), details(std::move(details_)) {}
  std::string name, type;
  bool passed = false;
  std::string measured, threshold;
  std::vector<std::string> details;  // failing groups, first offending lines...
  // The same figures as numbers, for CI to track from build to build (the
  // JSON report's "value", "limit" and "groups"): the check's one figure
  // (for group checks the worst group's; none when it measured nothing),
  // its limits by name ("min", "max", "target", "tolerance"...), and each
  // group's figure.
  std::optional<double> value;
  std::map<std::string, double> limit;
  std::map<std::string, double> groups;
};

// Where a record of a chunk is: its index in the chunk and its byte offset
// in its file (the place a task names).
struct record_place {
  uint32_t index = 0;
  uint64_t offset = 0;
};
using place_namer = std::function<std::string(const record_place&)>;

class partial_writer;
class partial_reader;

struct gate_totals {
  uint64_t lines = 0, records = 0, invalid = 0, blank = 0;
};

// A check's per-chunk state (derived per check type).
struct check_state {
  virtual ~check_state() = default;
  uint64_t seq = 0;  // the chunk's sequence number (set before close())
};

// What a check reads of its settings. Getters check the type of the value and
// fail (usage_error naming the place) on a wrong one or a missing required key.
class check_settings {
 public:
  virtual ~check_settings() = default;
  virtual bool has(const std::string& key) = 0;
  std::string str(const std::string& key, std::optional<std::string> dflt = std::nullopt) { return get_str(key, std::move(dflt)); }
  double num(const std::string& key, std::optional<double> dflt = std::nullopt) { return get_num(key, dflt); }
  virtual path path_of(const std::string& key) = 0;
  virtual std::optional<uint64_t> count(const std::string& key) = 0;
  virtual std::vector<std::string> strings(const std::string& key) = 0;
  virtual std::map<std::string, double> shares(const std::string& key) = 0;
  // A scalar (string, number or boolean) as JSON text: "\"chat\"", "1", "true".
  virtual std::string scalar_json(const std::string& key) = 0;
  virtual bool flag(const std::string& key, bool dflt) = 0;
  // A problem with `key`'s value ("" : with the table as a whole).
  [[noreturn]] virtual void fail(const std::string& key, std::string_view msg) = 0;
  // Rejects the keys not in `known` (typos).
  virtual void done(std::initializer_list<const char*> known) = 0;

 protected:
  virtual std::string get_str(const std::string& key, std::optional<std::string> dflt) = 0;
  virtual double get_num(const std::string& key, std::optional<double> dflt) = 0;
};

class gate_check {
 public:
  virtual ~gate_check() = default;
  std::string name;
  // The paths a check measures, by role ("path", "by", "with", "fields"). A
  // check whose path reaches no value in any record, or that saw no record
  // at all, measured nothing: it fails and says so (a typo must never pass
  // a gate), unless it was given allow_missing = true. Checks without a path
  // are unchanged.
  struct watched_path {
    std::string role;
    path at;
  };
  const std::vector<watched_path>& watched() const { return watched_; }
  // Fails `r` when the check measured nothing; `reached[i]` counts the
  // records where watched()[i] reached a value, of `records` in all.
  void apply_coverage(check_result& r, const std::vector<uint64_t>& reached, uint64_t records) const;
  virtual std::string type() const = 0;
  virtual std::unique_ptr<check_state> make_state() const { return nullptr; }
  // On a worker thread, for each valid record.
  virtual void add(check_state*, const record_ref&) const {}
  // On the worker, after the chunk's last record: order-free work (a
  // check's distinct counts go into its shared set here).
  virtual void close(check_state*) const {}
  // In input order; `where` names a record of the chunk ("FILE:LINE", or "FILE@BYTE" in a task).
  virtual void merge(check_state*, const place_namer& where) { (void)where; }
  virtual check_result evaluate(const gate_totals& t) const = 0;
  // Before the pass: the inputs (a check that samples by place names the
  // places among all the inputs, in a task too).
  virtual void set_inputs(const std::vector<input_file>&) {}
  // Partials: false for a check whose figures do not merge across tasks yet.
  virtual bool mergeable() const { return true; }
  virtual void for_partial() {}
  virtual void write_partial(partial_writer&) const {}
  virtual void read_merge(partial_reader&) {}

 protected:
  void watch(std::string role, const path& p) { watched_.push_back({std::move(role), p}); }
  void read_allow_missing(check_settings& s) { allow_missing_ = s.flag("allow_missing", false); }

 private:
  std::vector<watched_path> watched_;
  bool allow_missing_ = false;
};

// The checks of one gate file (or of a pipeline's [[check]] tables).
struct gate_config {
  std::string path;
  std::string text;  // the gate file's contents (a gate's partial carries them)
  std::string name;
  std::vector<std::unique_ptr<gate_check>> checks;
};

// Refuses (usage_error naming the check) a gate file with a check whose
// figures do not merge across tasks yet: before any task runs.
void require_mergeable(const gate_config& cfg);

// The keys a check type takes (nullptr: no such type), and every type, for messages.
const std::vector<const char*>* check_keys(std::string_view type);
std::string check_type_list();
// Builds a check of `type` from its settings (throws as the settings do).
std::unique_ptr<gate_check> make_check(std::string_view type, check_settings& s);

// The diversity checks (stages/diversity_checks.cpp): the figures of
// `jsift diversity` over the texts at `path` (default: auto) against a limit.
std::unique_ptr<gate_check> make_distinct_n_check(check_settings& s);
std::unique_ptr<gate_check> make_compression_ratio_check(check_settings& s);
std::unique_ptr<gate_check> make_openings_check(check_settings& s);
std::unique_ptr<gate_check> make_near_duplicates_check(check_settings& s);
std::unique_ptr<gate_check> make_self_repetition_check(check_settings& s);

}  // namespace jsift
