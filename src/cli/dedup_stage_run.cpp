#include "dedup_stage_run.hpp"

#include <fmt/format.h>

#include "jsift/error.hpp"
#include "jsift/io/output_file.hpp"
#include "jsift/io/units.hpp"
#include "jsift/jobs/dedup_stages.hpp"
#include "terminal.hpp"

namespace jsift::cli {

void define_dedup_stage_flags(flag_list& f, dedup_stage_args& a) {
  f.text("--workdir", "DIR", a.workdir, "Where the stages' files go (with --stage)").dirs();
  f.count("--ranges", "F", a.ranges, "Hash ranges the keys are cut into (with --stage; default: --tasks)");
  f.count("--range", "R", a.range, "Which range --stage find reads, 0 to F-1");
}

int run_dedup_stage(const common_args& common, const dedup_stage_args& a, const key_spec& key, const near_stage& near,
                    const std::string& output, const std::string& dups, std::string_view command, const reference_loader& against) {
  if (!common.tasks) throw option_error("stage", "goes with --tasks N (and --task I, or --range R for find)");
  if (a.workdir.empty()) throw option_error("stage", "needs --workdir DIR");
  dedup_stage_options o;
  o.dir = a.workdir;
  o.tasks = *common.tasks;
  o.ranges = a.ranges.value_or(o.tasks);
  if (o.ranges == 0 || o.ranges > 100000) throw option_error("ranges", "expected 1 to 100000");
  o.key = key;
  o.near = near.params;
  o.near_key = near.key;
  o.near_dups = near.params && !dups.empty();
  o.against = bool(against);
  if (a.stage == "cluster") {  // near --dups: one task over every task's files
    if (!near.params || dups.empty()) throw option_error("stage", "cluster goes with --near and --dups: it writes the --dups lines");
    if (common.task) throw option_error("task", "--stage cluster reads every task: it is one task");
    if (a.range) throw option_error("range", "goes with --stage find");
    if (output != "-") throw option_error("stage", "cluster writes --dups only: the records go with --stage drop");
    common_args all = common;  // the inputs' names, for the lines
    all.task = 0;
    const run_settings s = make_settings(all);
    check_outputs(s, {{"--dups", dups}});
    output_file out(dups);
    const uint64_t lines = dedup_cluster(o, s.all_inputs, out);
    if (!common.quiet) print_err(fmt::format("jsift {}: {} named in {}\n", command, plural(lines, "near-duplicate"), dups));
    return 0;
  }
  if (a.stage == "find") {
    if (common.task) throw option_error("task", "--stage find reads every task: give --range R");
    if (!a.range || *a.range >= o.ranges) throw option_error("range", fmt::format("--stage find needs --range below {}", o.ranges));
    if (*common.tasks == 0) throw option_error("tasks", "must be at least 1");
    const uint64_t found = dedup_find(o, *a.range);
    if (!common.quiet) print_err(fmt::format("jsift {}: range {} of {}: {}\n", command, *a.range, o.ranges, plural(found, near.params ? "repeated band key" : "duplicate")));
    return 0;
  }
  if (a.stage != "keys" && a.stage != "drop")
    throw option_error("stage", fmt::format("expected {}, got '{}'", near.params ? "keys, find, cluster or drop" : "keys, find or drop", a.stage));
  if (a.range) throw option_error("range", "goes with --stage find");
  run_settings s = make_settings(common);
  o.task = *common.task;
  if (a.stage == "keys") {
    if (output != "-") throw option_error("stage", "keys writes into --workdir only: the output goes with --stage drop");
    if (!dups.empty() && !near.params) throw option_error("stage", "keys writes into --workdir only: --dups goes with --stage drop");
    check_outputs(s, {});
    memory_budget budget;
    budget.limit = a.max_memory;
    key_set reference(false, &budget);
    if (against) {
      const std::string warnings = against(reference, s.records.for_survey(), s.pass.threads);
      if (!warnings.empty() && !s.quiet) print_err(warnings);
      o.reference = &reference;
    }
    dedup_keys_job job(s.inputs, s.records.for_survey(), o);  // the drop stage quarantines (once)
    run_with_progress(s, s.inputs, job);
    job.finish();
    job.write();
    finish_command(s, command, job);
    return 0;
  }
  if (near.params && !dups.empty())
    throw option_error("stage", "with --near, --dups goes with --stage keys (its signatures) and --stage cluster (its lines), not drop");
  check_outputs(s, {{"-o", output}, {"--dups", dups}});
  output_file out(output);
  dedup_drop_job job(s.inputs, s.records, o, s.all_inputs, &out, dups);
  run_with_progress(s, s.inputs, job);
  job.finish();
  finish_command(s, command, job, {}, fmt::format("jsift {}: {} of this task dropped\n", command, plural(job.duplicates(), "duplicate")));
  return 0;
}

}  // namespace jsift::cli
