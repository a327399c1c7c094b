// gate_output.hpp — how `gate` and `run` report a gate: the table on
// stdout, --report-json, --report-md (also appended to $GITHUB_STEP_SUMMARY
// when set, so GitHub Actions shows it) and --junit; and the flags that ask
// for them, declared once for both commands.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "flag_spec.hpp"
#include "jsift/jobs/gate_job.hpp"

namespace jsift::cli {

struct gate_report_args {
  std::string json, markdown, junit;
};

void define_gate_reports(flag_list& f, gate_report_args& a);
// The files the gate writes (stdout, for its table, and each report asked
// for), for check_outputs.
std::vector<std::pair<std::string, std::string>> gate_outputs(const gate_report_args& a);

// Prints and writes every report asked for; returns the exit code (0 every
// check passed, 1 one failed).
int report_gate(const gate_report_args& a, const gate_job& job, const std::string& title);

}  // namespace jsift::cli
