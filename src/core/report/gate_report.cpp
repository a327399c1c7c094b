// Renders the gate's results: table, Markdown, JUnit XML and JSON.
#include "jsift/report/gate_report.hpp"

#include <fmt/format.h>

#include "jsift/io/json_writer.hpp"
#include "jsift/report/run_report.hpp"

namespace jsift {
namespace {

std::string xml_escape(std::string_view s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      case '\'': o += "&apos;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') o += ' ';  // not allowed in XML 1.0
        else o += c;
    }
  }
  return o;
}

// A Markdown table cell: | would end it, a newline the row, and <, > and &
// would be read as HTML (a check on <think> became a tag on GitHub).
std::string md_cell(std::string_view s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '|': o += "\\|"; break;
      case '\n': o += ' '; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '&': o += "&amp;"; break;
      default: o += c;
    }
  }
  return o;
}

}  // namespace

bool all_passed(const std::vector<check_result>& r) {
  for (const auto& c : r)
    if (!c.passed) return false;
  return true;
}

std::string gate_table(const std::vector<check_result>& r) {
  size_t wn = 5, wm = 8, wt = 9;
  for (const auto& c : r) {
    wn = std::max(wn, c.name.size());
    wm = std::min<size_t>(std::max(wm, c.measured.size()), 60);
    wt = std::max(wt, c.threshold.size());
  }
  std::string o = fmt::format("{:<{}}  {:<{}}  {:<{}}  {}\n", "check", wn, "measured", wm, "threshold", wt, "result");
  for (const auto& c : r) {
    o += fmt::format("{:<{}}  {:<{}}  {:<{}}  {}\n", c.name, wn, c.measured, wm, c.threshold, wt, c.passed ? "PASS" : "FAIL");
    if (!c.passed)
      for (const auto& d : c.details) o += fmt::format("{:<{}}    - {}\n", "", wn, d);
  }
  size_t failed = 0;
  for (const auto& c : r) failed += !c.passed;
  o += failed ? fmt::format("\ngate FAILED: {} of {} failed\n", with_commas(failed), plural(r.size(), "check"))
              : fmt::format("\ngate passed: {}\n", plural(r.size(), "check"));
  return o;
}

std::string gate_markdown(const std::vector<check_result>& r, const std::string& title) {
  std::string o = fmt::format("## {}: {}\n\n| check | measured | threshold | result |\n|---|---|---|---|\n", md_cell(title),
                              all_passed(r) ? "passed" : "FAILED");
  for (const auto& c : r) {
    std::string details;
    for (const auto& d : c.details) details += "<br>" + md_cell(d);
    o += fmt::format("| {} | {}{} | {} | {} |\n", md_cell(c.name), md_cell(c.measured), details, md_cell(c.threshold),
                     c.passed ? "PASS" : "**FAIL**");
  }
  return o;
}

std::string gate_junit(const std::vector<check_result>& r, const std::string& title) {
  size_t failed = 0;
  for (const auto& c : r) failed += !c.passed;
  std::string o = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  o += fmt::format("<testsuites tests=\"{}\" failures=\"{}\">\n", r.size(), failed);
  o += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\">\n", xml_escape(title), r.size(), failed);
  for (const auto& c : r) {
    o += fmt::format("    <testcase classname=\"jsift.gate.{}\" name=\"{}\">", xml_escape(c.type), xml_escape(c.name));
    if (c.passed) {
      o += "</testcase>\n";
      continue;
    }
    std::string body = fmt::format("measured: {}\nthreshold: {}", c.measured, c.threshold);
    for (const auto& d : c.details) body += "\n" + d;
    o += fmt::format("\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>\n",
                     xml_escape(fmt::format("{} (threshold {})", c.measured, c.threshold)), xml_escape(c.type), xml_escape(body));
  }
  o += "  </testsuite>\n</testsuites>\n";
  return o;
}

std::string gate_json(const std::vector<check_result>& r, const gate_job& job) {
  const gate_config& cfg = job.config();
  json_writer w;
  w.begin_object();
  w.key("jsift_version").value(JSIFT_VERSION);
  w.key("config").value(cfg.path);
  w.key("name").value(cfg.name);
  w.key("passed").value(all_passed(r));
  w.key("checks").begin_array();
  for (const auto& c : r) {
    w.begin_object();
    w.key("name").value(c.name);
    w.key("type").value(c.type);
    w.key("passed").value(c.passed);
    w.key("measured").value(c.measured);
    w.key("threshold").value(c.threshold);
    w.key("value");
    if (c.value) w.value(*c.value);
    else w.null();
    w.key("limit").begin_object();
    for (const auto& [k, v] : c.limit) w.key(k).value(v);
    w.end_object();
    w.key("groups").begin_object();
    for (const auto& [k, v] : c.groups) w.key(k).value(v);
    w.end_object();
    w.key("details").begin_array();
    for (const auto& d : c.details) w.value(d);
    w.end_array();
    w.end_object();
  }
  w.end_array();
  w.key("inputs").begin_array();
  for (const auto& f : job.files()) w.value(f.name());
  w.end_array();
  w.key("lines").value(job.tally().lines);
  w.key("dispositions");
  write_dispositions_json(w, job);
  w.key("invalid");
  write_invalid_json(w, job);
  w.end_object();
  return w.str();
}

}  // namespace jsift
