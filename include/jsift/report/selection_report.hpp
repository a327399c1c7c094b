// jsift/report/selection_report.hpp — what a selection (rebalance, sample
// -n) chose, per group: available, selected, sampled out, share and target;
// as the "selection" section of --report and as a table for stderr. Pure
// functions, thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "jsift/io/json_writer.hpp"
#include "jsift/stages/quota.hpp"
#include "jsift/stages/selector.hpp"

namespace jsift {

void write_selection_json(json_writer& w, const selector& sel, const std::map<std::string, quota>& quotas,
                          uint64_t upsampled_copies, bool stdin_spooled);
std::string selection_table(const std::map<std::string, quota>& quotas);

}  // namespace jsift
