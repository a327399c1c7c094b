// commands.hpp — one function per subcommand: flags in, exit code out.
#pragma once

#include <string>

#include "flags.hpp"
#include "jsift/jobs/gate_job.hpp"

namespace jsift::cli {

int run_stats(const parsed_flags& f);
int run_filter(const parsed_flags& f);
int run_dedup(const parsed_flags& f);
int run_rebalance(const parsed_flags& f);
int run_sample(const parsed_flags& f);
int run_split(const parsed_flags& f);
int run_shard(const parsed_flags& f);
int run_verify(const parsed_flags& f);
int run_gate(const parsed_flags& f);
int run_flow(const parsed_flags& f);

// Prints the gate table, writes --report-json/--report-md/--junit and the
// $GITHUB_STEP_SUMMARY, and returns the exit code (0 or 1). Shared by gate and run.
int report_gate(const parsed_flags& f, const gate_config& cfg, const gate_job& job, const std::string& title);

}  // namespace jsift::cli
