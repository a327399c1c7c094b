// commands.hpp — one function per subcommand: flags in, exit code out.
#pragma once

#include "flags.hpp"

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

}  // namespace jsift::cli
