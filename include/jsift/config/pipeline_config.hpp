// jsift/config/pipeline_config.hpp — reads a pipeline file (`jsift run
// --config`): `name`, [filter], [dedup], [rebalance], [split], [output] and
// [[check]] tables, each read by its own reader into the same stage objects
// the single commands build from their flags (jobs/pipeline_job.hpp), so the
// two front ends cannot disagree. Every mistake is a usage_error naming
// FILE:LINE:COLUMN, before any data is read. Stateless.
#pragma once

#include <string>

#include "jsift/jobs/pipeline_job.hpp"

namespace jsift {

pipeline_spec load_pipeline(const std::string& path);

// A pipeline file cut into the parts `jsift cluster -- run` runs as stages,
// each the TOML text of a file holding some of its tables (and its name),
// "" when the pipeline has none of them: pre ([[transform]], [filter]),
// dedup, rebalance, post ([split], [output]), body (pre and post: a
// pipeline without [dedup] or [rebalance] is one stage) and gate ([[check]]:
// a gate file). Call after load_pipeline() accepted the file.
struct pipeline_parts {
  std::string pre, dedup, rebalance, post, body, gate;
};
pipeline_parts cut_pipeline(const std::string& path);

// What a pipeline asks that its stages across tasks cannot give yet, as a
// usage_error naming `path` (said before any task runs, and by a stage
// given such a part): [dedup] against or index; [dedup] dups after
// [[transform]] or [filter]; explode or window before [dedup] or
// [rebalance]; [split] keyless = "skip" after an upsampling [rebalance].
void require_across_tasks(const pipeline_spec& spec, const std::string& path);

}  // namespace jsift
