// jsift/jobs/stats_job.hpp — `jsift stats`: the record job that fills a
// stats_partial per chunk on the workers and merges them in input order
// (stages/stats_profile.hpp), and the report renderers' input. Exact
// distinct counts go into shared sets on the workers as each chunk ends;
// the sets are sized when the first chunk ends, from its records per byte
// and the size of the input.
//
// Thread model as record_job's; the options are copied in, and the results
// are read after the pass.
#pragma once

#include <memory>
#include <vector>

#include "jsift/engine/record_job.hpp"
#include "jsift/stages/stats_profile.hpp"

namespace jsift {

// A task's partial (stats --partial, read by `jsift merge`): which task of
// how many, the options, every input of the whole run, then the task's counts.
struct stats_partial_head {
  uint64_t tasks = 1, task = 0;
  stats_options options;
  std::vector<std::string> inputs;  // names, in order
  std::vector<skipped_input> skipped;  // entries of input directories not read
  static stats_partial_head read(partial_reader& r);  // after the kind, "stats"
};

// plain: one run's report. task: a task of a run over --tasks, that writes
// a partial: its groups and keys are not capped (a name past the cap in
// this task may be a group of the whole run, seen first by an earlier
// task: the merge applies the caps, in input order); memory grows with
// them. merged: `jsift merge`, which reads the tasks' partials.
enum class stats_mode { plain, task, merged };

class stats_job final : public record_job {
 public:
  stats_job(const std::vector<input_file>& files, record_job_options ro, stats_options so, stats_mode mode = stats_mode::plain);
  const stats_accumulator& stats() const { return acc_; }
  // After the pass of a mergeable job: its partial file's bytes.
  std::string partial(uint64_t tasks, uint64_t task, const std::vector<input_file>& all_inputs,
                      const std::vector<skipped_input>& skipped = {}) const;
  // `jsift merge`, on a job that ran no pass: a task's counts, in task order
  // (the reader is past the head).
  void merge_partial(partial_reader& r);

 protected:
  std::unique_ptr<record_chunk> make_chunk() const override;
  void on_record(record_chunk& rc, const record_ref& rec) const override;
  void on_chunk_end(record_chunk& rc, const chunk& c) const override;
  void on_commit(record_chunk& rc) override;

 private:
  stats_options so_;    // as given: the caps the report applies
  stats_options work_;  // what the chunks and the accumulator use
  std::unique_ptr<stats_sets> sets_;  // exact mode; the workers insert into it
  stats_accumulator acc_;
};

}  // namespace jsift
