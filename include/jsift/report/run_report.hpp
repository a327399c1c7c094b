// jsift/report/run_report.hpp — the parts of every command's report that come from
// the record stage: the one-line dispositions summary for stderr and the
// JSON sections (inputs, lines, dispositions, invalid, line endings) shared
// by `--report FILE` of every command and by `jsift stats --json`.
// Pure functions of a finished job (read after its pass), thread-safe.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "jsift/io/json_writer.hpp"
#include "jsift/io/units.hpp"
#include "jsift/engine/record_job.hpp"

namespace jsift {

// "jsift filter: 1,000 lines: 800 kept, 190 filtered:--turns 5..10, 10 blank\n"
std::string summary_line(std::string_view command, const record_job& job);

// "jsift: warning: FILE:LINE:COL: message" for the first invalid lines kept,
// and how many more there were.
std::string invalid_warnings(const record_job& job);

// "jsift: warning: skipped 'd/x.jsonl': not a regular file (a FIFO)", one per entry.
std::string skipped_warnings(const std::vector<skipped_input>& skipped);
// Writes "skipped_inputs": [{"path", "reason"}...].
void write_skipped_inputs_json(json_writer& w, const std::vector<skipped_input>& skipped);

// Writes the "invalid" object: count, by_reason, first (file/line/column/...).
void write_invalid_json(json_writer& w, const record_job& job);
// Writes "inputs": [names], and "line_endings": {crlf, bom, no_final_newline}.
void write_inputs_json(json_writer& w, const record_job& job);
void write_line_endings_json(json_writer& w, const record_job& job);
// Writes the "dispositions" object (report order) with its "total".
void write_dispositions_json(json_writer& w, const record_job& job);
// A whole --report document for commands without their own statistics;
// `extra`, if given, writes the command's own sections (keys and values).
std::string run_report_json(std::string_view command, const record_job& job,
                            const std::function<void(json_writer&)>& extra = {});

}  // namespace jsift
