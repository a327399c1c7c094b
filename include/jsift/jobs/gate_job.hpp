// jsift/jobs/gate_job.hpp — `jsift gate`: named checks with thresholds, read from a
// TOML file, all computed in ONE pass over the input, with reports for
// people (table, Markdown) and CI systems (JSON, JUnit XML).
//
// Each check keeps a small per-chunk state filled on worker threads and
// merged in input order, like the statistics, so results do not depend on
// -j. Config errors (unknown keys, wrong types, missing keys, bad paths or
// regexes) are usage_errors that name FILE:LINE:COLUMN: a typo must never
// silently pass a gate. The check types and their keys are listed in
// README.md ("jsift gate").
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "jsift/engine/record_job.hpp"

namespace jsift {

struct check_result {
  std::string name, type;
  bool passed = false;
  std::string measured, threshold;
  std::vector<std::string> details;  // failing groups, first offending lines...
};

struct gate_totals {
  uint64_t lines = 0, records = 0, invalid = 0, blank = 0;
};

// A check's per-chunk state (derived per check type).
struct check_state {
  virtual ~check_state() = default;
};

class gate_check {
 public:
  virtual ~gate_check() = default;
  std::string name;
  virtual std::string type() const = 0;
  virtual std::unique_ptr<check_state> make_state() const { return nullptr; }
  // On a worker thread, for each valid record.
  virtual void add(check_state*, const record_ref&) const {}
  // In input order; line_of maps a record's chunk-local index to its line.
  virtual void merge(check_state*, const std::function<std::string(uint32_t)>& where) { (void)where; }
  virtual check_result evaluate(const gate_totals& t) const = 0;
};

struct gate_config {
  std::string path;
  std::string name;
  std::vector<std::unique_ptr<gate_check>> checks;
};

// Reads and validates a gate file; throws usage_error naming FILE:LINE:COL.
gate_config load_gate_config(const std::string& path);

class gate_job final : public record_job {
 public:
  gate_job(const std::vector<input_file>& files, record_job_options ro, gate_config& cfg);
  std::vector<check_result> results() const;

 protected:
  std::unique_ptr<record_chunk> make_chunk() const override;
  void on_record(record_chunk& rc, const record_ref& rec) const override;
  void on_commit(record_chunk& rc) override;

 private:
  gate_config& cfg_;
};

// Reports. `title` names the run ("jsift gate").
std::string gate_table(const std::vector<check_result>& r);
std::string gate_markdown(const std::vector<check_result>& r, const std::string& title);
std::string gate_junit(const std::vector<check_result>& r, const std::string& title);
std::string gate_json(const std::vector<check_result>& r, const gate_config& cfg, const record_job& job);
bool all_passed(const std::vector<check_result>& r);

}  // namespace jsift
