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
int run_selection(run_settings& s, std::string_view command, const selector& sel, const quota_request* req, double fraction,
                  uint64_t max_memory);

}  // namespace jsift::cli
