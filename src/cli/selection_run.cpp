#include "selection_run.hpp"

#include <fmt/format.h>

#include "jsift/engine/pass.hpp"
#include "jsift/error.hpp"
#include "jsift/io/partial_file.hpp"
#include "jsift/io/units.hpp"
#include "jsift/jobs/select_jobs.hpp"
#include "jsift/report/selection_report.hpp"

namespace jsift::cli {
namespace {

// sample -n N (or a cap) past what a group has keeps the whole group: say so,
// rather than return fewer records than asked without a word.
std::string short_group_warnings(std::string_view command, const quota_request& req, const std::map<std::string, quota>& quotas) {
  using kind = quota_request::kind;
  std::string out;
  uint64_t available = 0;
  for (auto& [g, q] : quotas) available += q.available;
  if (req.mode == kind::proportional && req.total && *req.total > available)
    return fmt::format("jsift: warning: {}: asked for {} records, the input has {} (all kept)\n", command, with_commas(*req.total),
                       with_commas(available));
  if (req.mode != kind::cap_all) return out;
  for (auto& [g, q] : quotas)
    if (q.available < req.cap_all)
      out += fmt::format("jsift: warning: {}: {} has {} record{}, fewer than the {} asked (all kept)\n", command,
                         quotas.size() == 1 && g == "(all)" ? std::string("the input") : fmt::format("group '{}'", g),
                         with_commas(q.available), q.available == 1 ? "" : "s", with_commas(req.cap_all));
  return out;
}

}  // namespace

selection_stage selection_stage_flags(const common_args& a, const std::string& stage, const std::string& workdir, bool needs_survey) {
  selection_stage out;
  if (stage.empty()) {
    if (a.tasks && needs_survey)
      throw option_error("tasks", "a selection's surveys see every task: run it as --stage survey1, survey2 and emit (jsift cluster does)");
    return out;
  }
  if (!needs_survey) throw option_error("stage", "sample --fraction needs no survey: --tasks alone divides it");
  if (stage != "survey1" && stage != "survey2" && stage != "emit")
    throw option_error("stage", fmt::format("expected survey1, survey2 or emit, got '{}'", stage));
  if (!a.tasks) throw option_error("stage", "goes with --tasks N --task I");
  if (workdir.empty()) throw option_error("stage", "needs --workdir DIR");
  out.stage = stage;
  out.dir = workdir;
  out.tasks = *a.tasks;
  out.task = a.task.value_or(0);
  return out;
}

namespace {

struct stop_planning {};  // a survey stage wrote its answer: the planning stops there

std::string survey_path(const selection_stage& st, unsigned survey, uint64_t task) {
  return fmt::format("{}/survey{}-{:05}.bin", st.dir, survey, task);
}

// What a survey's answers must agree on to merge: the request and the selector.
std::string survey_fingerprint(const selector& sel, const survey_request& ask, unsigned survey) {
  std::string f = fmt::format("survey {}; by {}; key {}; seed {}; default k {}", survey, sel.by ? sel.by->text() : "", sel.key.text(), sel.seed,
                              ask.default_k);
  for (const auto& [g, k] : ask.k) f += fmt::format("; {}={}", g, k);
  return f;
}

// The planner's surveys in a task: those before this stage's answered from
// every task's files, this stage's run over the task's part and written.
planned_selection plan_stage(const run_settings& s, const selector& sel, const quota_request& req, memory_budget& budget,
                             const selection_stage& st) {
  const unsigned wanted = st.stage == "survey1" ? 1 : st.stage == "survey2" ? 2 : 0;
  unsigned call = 0;
  return plan_selection(req, [&](const survey_request& ask) {
    ++call;
    const std::string fingerprint = survey_fingerprint(sel, ask, call);
    if (call == wanted) {
      bottom_k found(ask.k, ask.default_k, &budget);
      survey_job job(s.inputs, s.records.for_survey(), sel, found);
      run_pass(s.inputs, s.pass, job);
      partial_writer w;
      w.str("survey");
      w.u64(st.tasks);
      w.u64(st.task);
      w.str(fingerprint);
      found.write(w);
      write_file_atomic(survey_path(st, call, st.task), w.finish());
      throw stop_planning{};
    }
    bottom_k merged(ask.k, ask.default_k, &budget);
    for (uint64_t t = 0; t < st.tasks; ++t) {
      partial_reader r = partial_reader::open(survey_path(st, call, t));
      if (r.str() != "survey") r.fail("not a selection's survey");
      const uint64_t tasks = r.u64(), task = r.u64();
      if (tasks != st.tasks || task != t) r.fail(fmt::format("task {} of {}, not {} of {}: another run's", task, tasks, t, st.tasks));
      if (std::string f = r.str(); f != fingerprint) r.fail(fmt::format("another selection's survey ({}, not {})", f, fingerprint));
      merged.read_merge(r);
      r.end();
    }
    return merged;
  });
}

}  // namespace

int run_selection(run_settings& s, std::string_view command, const selector& sel, const quota_request* req, double fraction,
                  uint64_t max_memory, const selection_stage& stage) {
  memory_budget budget;
  budget.limit = max_memory;
  planned_selection planned;
  if (req && !stage.stage.empty() && stage.stage != "emit") {  // a survey stage writes no records
    try {
      plan_stage(s, sel, *req, budget, stage);
    } catch (const stop_planning&) {
    }
    return 0;
  }
  check_outputs(s, {{"-o", s.output}});
  input_spool spool(s.inputs);  // before the first pass: stdin is read more than once
  output_file out(s.output);
  std::unique_ptr<emit_job> job;
  if (req) {
    planned = stage.stage.empty() ? plan_input_selection(s.inputs, s.pass, s.records, sel, *req, &budget) : plan_stage(s, sel, *req, budget, stage);
    uint64_t expected = planned.output_bytes;
    if (!stage.stage.empty()) {  // this task writes about its share of the input's
      const uint64_t all = input_size(s.all_inputs), mine = input_size(s.inputs);
      expected = all ? uint64_t(static_cast<long double>(expected) * static_cast<long double>(mine) / static_cast<long double>(all)) : 0;
    }
    check_room_for(s.output, expected);  // before a byte is written
    job = std::make_unique<emit_job>(s.inputs, s.records, sel, planned.plan, out);
  } else {
    job = std::make_unique<emit_job>(s.inputs, s.records, sel, fraction, out);
  }
  run_with_progress(s, s.inputs, *job);
  job->finish();
  std::string tail;
  if (req) tail += selection_table(planned.quotas) + short_group_warnings(command, *req, planned.quotas);
  if (job->extra_copies()) tail += fmt::format("jsift {}: upsampled: {} extra copies of records\n", command, job->extra_copies());
  finish_command(
      s, command, *job,
      [&](json_writer& w) {
        if (req) write_selection_json(w, sel, planned.quotas, job->extra_copies(), spool.used());
      },
      tail);
  return 0;
}

}  // namespace jsift::cli
