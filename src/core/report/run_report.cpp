#include "jsift/report/run_report.hpp"

#include <fmt/format.h>

#include "jsift/io/units.hpp"

namespace jsift {

std::string summary_line(std::string_view command, const record_job& job) {
  std::string out = fmt::format("jsift {}: {} lines", command, with_commas(job.tally().lines));
  const char* sep = ": ";
  for (auto& [name, n] : job.counts().listed(job.names())) {
    out += fmt::format("{}{} {}", sep, with_commas(n), name);
    sep = ", ";
  }
  out += '\n';
  return out;
}

std::string invalid_warnings(const record_job& job) {
  std::string msg;
  for (const auto& l : job.first_invalid()) msg += fmt::format("jsift: warning: {}\n", job.locate(l));
  if (job.invalid_total() > job.first_invalid().size())
    msg += fmt::format("jsift: warning: ... and {} more invalid lines\n", job.invalid_total() - job.first_invalid().size());
  return msg;
}

std::string skipped_warnings(const std::vector<skipped_input>& skipped) {
  std::string msg;
  constexpr size_t shown = 10;
  for (size_t i = 0; i < skipped.size() && i < shown; ++i)
    msg += fmt::format("jsift: warning: skipped '{}': {}\n", skipped[i].path, skipped[i].reason);
  if (skipped.size() > shown)
    msg += fmt::format("jsift: warning: ... and {} more skipped (listed in --report)\n", with_commas(skipped.size() - shown));
  return msg;
}

void write_skipped_inputs_json(json_writer& w, const std::vector<skipped_input>& skipped) {
  w.key("skipped_inputs").begin_array();
  for (const auto& s : skipped) {
    w.begin_object();
    w.key("path").value(s.path);
    w.key("reason").value(s.reason);
    w.end_object();
  }
  w.end_array();
}

void write_invalid_json(json_writer& w, const record_job& job) {
  w.begin_object();
  w.key("count").value(job.invalid_total());
  w.key("by_reason").begin_object();
  for (size_t r = 0; r < size_t(invalid_reason::count_); ++r) {
    uint64_t n = job.counts().get(disposition_names::invalid(invalid_reason(r)));
    if (n) w.key(reason_key(invalid_reason(r))).value(n);
  }
  w.end_object();
  w.key("first").begin_array();
  for (const auto& l : job.first_invalid()) {
    w.begin_object();
    w.key("file").value(job.files()[l.file_index].name());
    if (l.element) {  // JSON text: the element, and its place in the file when it could be read again
      w.key("element").value(l.line);
      w.key("element_column").value(uint64_t(l.column));
      if (l.source_line) w.key("line").value(l.source_line), w.key("column").value(l.source_column);
      else w.key("line").null(), w.key("column").null();
    } else if (job.places_by_offset()) {  // a task's part: the line's byte offset (its number is not known)
      w.key("line").null();
      w.key("offset").value(l.offset);
      w.key("column").value(uint64_t(l.column));
    } else {
      w.key("line").value(l.line);
      w.key("column").value(uint64_t(l.column));
    }
    w.key("reason").value(reason_key(l.reason));
    w.key("message").value(l.message);
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

void write_inputs_json(json_writer& w, const record_job& job) {
  w.key("inputs").begin_array();
  for (const auto& f : job.files()) w.value(f.name());
  w.end_array();
}

void write_line_endings_json(json_writer& w, const record_job& job) {
  const auto& t = job.tally();
  w.key("line_endings").begin_object();
  w.key("crlf").value(t.crlf);
  w.key("bom").value(t.bom);
  w.key("no_final_newline").value(t.no_final_newline);
  w.end_object();
}

void write_dispositions_json(json_writer& w, const record_job& job) { job.counts().write_json(w, job.names()); }

std::string run_report_json(std::string_view command, const record_job& job,
                            const std::function<void(json_writer&)>& extra) {
  const auto& t = job.tally();
  json_writer w;
  w.begin_object();
  w.key("jsift_version").value(JSIFT_VERSION);
  w.key("command").value(command);
  write_inputs_json(w, job);
  w.key("unit").value(job.unit());
  w.key("lines").value(t.lines);
  w.key("dispositions");
  write_dispositions_json(w, job);
  w.key("invalid");
  write_invalid_json(w, job);
  w.key("input_bytes").value(t.bytes);
  write_line_endings_json(w, job);
  if (extra) extra(w);
  w.end_object();
  return w.str();
}

}  // namespace jsift
