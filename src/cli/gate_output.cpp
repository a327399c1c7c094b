#include "gate_output.hpp"

#include <cerrno>
#include <cstdlib>
#include <fcntl.h>
#include <system_error>
#include <unistd.h>

#include <fmt/format.h>

#include "jsift/error.hpp"
#include "jsift/io/output_file.hpp"
#include "jsift/io/sys.hpp"
#include "jsift/report/gate_report.hpp"

namespace jsift::cli {
namespace {

// GitHub Actions shows what is appended to this file on the run's page.
void append_step_summary(const std::string& markdown) {
  const char* path = std::getenv("GITHUB_STEP_SUMMARY");
  if (!path || !*path) return;
  int fd = ::open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), fmt::format("cannot open $GITHUB_STEP_SUMMARY '{}'", path));
  try {
    sys::write_all(fd, markdown.data(), markdown.size(), fmt::format("'{}'", path));
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
}

}  // namespace

void define_gate_reports(flag_list& f, gate_report_args& a) {
  f.text("--report-json", "FILE", a.json, "Write the gate results as JSON").files();
  f.text("--report-md", "FILE", a.markdown, "Write the gate results as Markdown (also appended to $GITHUB_STEP_SUMMARY when set)").files();
  f.text("--junit", "FILE", a.junit, "Write the gate results as JUnit XML, one testcase per check").files();
}

std::vector<std::pair<std::string, std::string>> gate_outputs(const gate_report_args& a) {
  return {{"stdout", "-"}, {"--report-json", a.json}, {"--report-md", a.markdown}, {"--junit", a.junit}};
}

int report_gate(const gate_report_args& a, const gate_job& job, const std::string& title) {
  auto results = job.results();
  std::string table = gate_table(results);
  sys::write_all(1, table.data(), table.size(), "to stdout");
  if (!a.json.empty()) write_file_atomic(a.json, gate_json(results, job));
  std::string md = gate_markdown(results, title);
  if (!a.markdown.empty()) write_file_atomic(a.markdown, md);
  append_step_summary(md + "\n");  // a blank line before the next report there
  if (!a.junit.empty()) write_file_atomic(a.junit, gate_junit(results, title));
  return all_passed(results) ? 0 : int(exit_code::gate_failed);
}

}  // namespace jsift::cli
