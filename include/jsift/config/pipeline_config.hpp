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

}  // namespace jsift
