// jsift/report/gate_report.hpp — the gate's results for people (a table, a
// Markdown table for CI pages) and for CI systems (JSON, JUnit XML). `title`
// names the run ("jsift gate: chat SFT"). Pure functions.
#pragma once

#include <string>
#include <vector>

#include "jsift/jobs/gate_job.hpp"

namespace jsift {

bool all_passed(const std::vector<check_result>& r);
std::string gate_table(const std::vector<check_result>& r);
std::string gate_markdown(const std::vector<check_result>& r, const std::string& title);
std::string gate_junit(const std::vector<check_result>& r, const std::string& title);
std::string gate_json(const std::vector<check_result>& r, const gate_job& job);

}  // namespace jsift
