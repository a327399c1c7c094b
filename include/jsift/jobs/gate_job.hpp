// jsift/jobs/gate_job.hpp — `jsift gate`: every check of a gate_config
// (stages/gate_checks.hpp) computed in ONE pass over the input. Each chunk
// gets one state per check, filled on the workers and merged in input order,
// so results do not depend on -j. The config must outlive the job; results()
// is read after the pass (report/gate_report.hpp renders it).
//
// Across tasks: a job made `for_partial` writes partial() after its pass (gate
// --partial), and `jsift merge` adds the tasks' partials, in task order, to a
// job over the gate file they carry: its results are the single run's.
#pragma once

#include <string>
#include <vector>

#include "jsift/engine/record_job.hpp"
#include "jsift/stages/gate_checks.hpp"

namespace jsift {

// A task's partial: which task of how many, the gate file (its name and
// text), every input of the whole run, then the task's counts.
struct gate_partial_head {
  uint64_t tasks = 1, task = 0;
  std::string config_path, config_text;
  std::vector<std::string> inputs;
  std::vector<skipped_input> skipped;
  static gate_partial_head read(partial_reader& r);  // after the kind, "gate"
};

class gate_job final : public record_job {
 public:
  // for_partial: the checks keep what merges (usage_error naming a check
  // whose figures do not merge yet).
  gate_job(const std::vector<input_file>& files, record_job_options ro, gate_config& cfg, bool for_partial = false);
  std::vector<check_result> results() const;
  const gate_config& config() const { return cfg_; }
  std::string partial(uint64_t tasks, uint64_t task, const std::vector<input_file>& all_inputs,
                      const std::vector<skipped_input>& skipped) const;
  // On a job that ran no pass: a task's counts (the reader is past the head).
  void merge_partial(partial_reader& r);

 protected:
  std::unique_ptr<record_chunk> make_chunk() const override;
  void on_record(record_chunk& rc, const record_ref& rec) const override;
  void on_chunk_end(record_chunk& rc, const chunk& c) const override;
  void on_commit(record_chunk& rc) override;

 private:
  gate_config& cfg_;
  std::vector<uint64_t> reached_;  // records where each watched path reached a value
};

}  // namespace jsift
