// job_runner.hpp — one pass of a job over the inputs with the command's
// settings: chunking, threads, and the progress bar on stderr.
#pragma once

#include <vector>

#include "jsift/engine/ordered_commit.hpp"
#include "jsift/engine/record_job.hpp"
#include "options.hpp"

namespace jsift::cli {

void run_job(const run_config& cfg, const std::vector<input_file>& inputs, chunk_job& job, bool show_progress = true);

// For passes that only look before the pass that writes (rebalance's
// surveys): invalid lines are reported and quarantined once, by the last
// pass; under `fail` the first pass already stops.
record_job_options look_only(const record_job_options& ro);

}  // namespace jsift::cli
