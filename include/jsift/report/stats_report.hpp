// jsift/report/stats_report.hpp — renders `jsift stats` results: the JSON
// report (schema in README.md, keys in a stable order; also the --report file)
// and the table for terminals. Pure functions of a finished stats_job.
#pragma once

#include <string>

#include "jsift/jobs/stats_job.hpp"

namespace jsift {

// Renders the report: JSON (schema in README.md, keys in a stable order)
// or a table for people.
std::string stats_json(const stats_job& job, const std::vector<skipped_input>& skipped = {});
std::string stats_table(const stats_job& job);

}  // namespace jsift
