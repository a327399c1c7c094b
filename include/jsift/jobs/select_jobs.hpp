// jsift/jobs/select_jobs.hpp — `jsift rebalance` and `jsift sample`: the
// passes of a deterministic selection over the input (stages/selector.hpp for
// the keys, selection_planner.hpp for which passes run).
//   survey_job: counts records per group and offers their keys to a bottom_k;
//   emit_job: re-reads the input and writes each record as many times as the
//     emit_plan says (0, 1, or more when upsampling), in input order,
//     byte-for-byte; `sample --fraction` needs only this pass (a record is kept
//     when its hash falls under the fraction).
// plan_input_selection() runs the planner's surveys over a list of inputs
// (re-readable: stdin is spooled first, io/input_list.hpp). Workers only
// read the plan; the output never depends on the thread count.
//
// Lifetimes: the selector, the bottom_k, the plan and the output file given
// to a job must outlive it.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "jsift/engine/pass.hpp"
#include "jsift/engine/record_job.hpp"
#include "jsift/io/output_file.hpp"
#include "jsift/io/write_behind.hpp"
#include "jsift/stages/bottom_k.hpp"
#include "jsift/stages/emit_plan.hpp"
#include "jsift/stages/selection_planner.hpp"
#include "jsift/stages/selector.hpp"

namespace jsift {

class survey_job final : public record_job {
 public:
  survey_job(const std::vector<input_file>& files, record_job_options ro, const selector& sel, bottom_k& survey);

 protected:
  std::unique_ptr<record_chunk> make_chunk() const override;
  void on_record(record_chunk& rc, const record_ref& rec) const override;
  void on_commit(record_chunk& rc) override;

 private:
  const selector& sel_;
  bottom_k& survey_;
};

class emit_job final : public record_job {
 public:
  // Plan mode: copies per the plan.
  emit_job(const std::vector<input_file>& files, record_job_options ro, const selector& sel, const emit_plan& plan,
           output_file& out);
  // Fraction mode: keep a record when its hash is under `fraction`.
  emit_job(const std::vector<input_file>& files, record_job_options ro, const selector& sel, double fraction,
           output_file& out);
  uint64_t extra_copies() const { return extra_; }

 protected:
  std::unique_ptr<record_chunk> make_chunk() const override;
  void on_record(record_chunk& rc, const record_ref& rec) const override;
  void on_commit(record_chunk& rc) override;
  bool emits_records() const override { return true; }
  void drain_outputs() override { writer_.drain(); }
  void finish_records() override {
    writer_.drain();
    out_.commit();
  }

 private:
  const selector& sel_;
  const emit_plan* plan_ = nullptr;
  std::optional<uint64_t> fraction_cut_;
  size_t sampled_out_id_;
  output_file& out_;
  uint64_t extra_ = 0;
  write_behind writer_;  // the output's writes, off the committing thread (destroyed first)
};

// The planner's surveys as passes over `inputs` (validated with `ro`'s limits,
// invalid lines skipped: the emitting pass reports them).
// The bottom-k heaps are charged to `budget` (--max-memory) when given.
planned_selection plan_input_selection(const std::vector<input_file>& inputs, const pass_options& po,
                                       const record_job_options& ro, const selector& sel, const quota_request& req,
                                       memory_budget* budget = nullptr);

}  // namespace jsift
