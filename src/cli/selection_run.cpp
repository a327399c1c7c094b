#include "selection_run.hpp"

#include <fmt/format.h>

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

int run_selection(run_settings& s, std::string_view command, const selector& sel, const quota_request* req, double fraction,
                  uint64_t max_memory) {
  check_outputs(s, {{"-o", s.output}});
  input_spool spool(s.inputs);  // before the first pass: stdin is read more than once
  output_file out(s.output);
  planned_selection planned;
  std::unique_ptr<emit_job> job;
  memory_budget budget;
  budget.limit = max_memory;
  if (req) {
    planned = plan_input_selection(s.inputs, s.pass, s.records, sel, *req, &budget);
    check_room_for(s.output, planned.output_bytes);  // before a byte is written
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
