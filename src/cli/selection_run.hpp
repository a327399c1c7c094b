// selection_run.hpp — what `rebalance` and `sample` share once their flags
// are read: spool stdin (the input is read more than once), plan the
// selection (its surveys), emit, and end with the report and the per-group
// table.
#pragma once

#include <string_view>

#include "common_flags.hpp"
#include "jsift/stages/quota.hpp"
#include "jsift/stages/selector.hpp"

namespace jsift::cli {

// With `req`, a planned selection; without, `sample --fraction F`.
// `max_memory` bounds the survey's heaps (0: no limit).
// One stage of a selection over --tasks (empty `stage`: the whole run):
// survey1 and survey2 write this task's answer to the planner's first or
// second survey into `dir` (after merging every task's answers to the ones
// before it); emit merges them all, plans as one run would, and writes this
// task's part of the output. A mode that needs one survey has nothing to do
// in survey2.
struct selection_stage {
  std::string stage;  // "", "survey1", "survey2" or "emit"
  std::string dir;
  uint64_t tasks = 1, task = 0;
};

int run_selection(run_settings& s, std::string_view command, const selector& sel, const quota_request* req, double fraction,
                  uint64_t max_memory, const selection_stage& stage = {});

// --stage and --workdir for rebalance and sample, checked against --tasks.
selection_stage selection_stage_flags(const common_args& a, const std::string& stage, const std::string& workdir, bool needs_survey);

}  // namespace jsift::cli
