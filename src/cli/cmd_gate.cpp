// `jsift gate --config FILE`: inputs -> gate_job -> table on stdout, reports.
#include <cstdlib>
#include <fcntl.h>
#include <unistd.h>

#include <fmt/format.h>

#include "commands.hpp"
#include "jsift/error.hpp"
#include "jsift/jobs/gate_job.hpp"
#include "jsift/report/run_report.hpp"
#include "jsift/io/sys.hpp"
#include "job_runner.hpp"
#include "options.hpp"
#include "terminal.hpp"

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

int report_gate(const parsed_flags& f, const gate_config& cfg, const gate_job& job, const std::string& title) {
  auto results = job.results();
  std::string table = gate_table(results);
  sys::write_all(1, table.data(), table.size(), "to stdout");
  if (!f.gate.report_json.empty()) write_file_atomic(f.gate.report_json, gate_json(results, cfg, job));
  std::string md = gate_markdown(results, title);
  if (!f.gate.report_md.empty()) write_file_atomic(f.gate.report_md, md);
  append_step_summary(md);
  if (!f.gate.junit.empty()) write_file_atomic(f.gate.junit, gate_junit(results, title));
  return all_passed(results) ? 0 : int(exit_code::gate_failed);
}

int run_gate(const parsed_flags& f) {
  gate_config cfg = load_gate_config(f.gate.config);  // config errors first: exit 2 before reading data
  run_config rc = make_run_config(f.common);
  gate_job job(rc.inputs, rc.records, cfg);
  run_job(rc, rc.inputs, job);
  job.finish();

  int code = report_gate(f, cfg, job, cfg.name.empty() ? "jsift gate" : "jsift gate: " + cfg.name);
  if (!rc.report.empty()) write_file_atomic(rc.report, run_report_json("gate", job));
  if (!rc.quiet) print_err(invalid_warnings(job) + summary_line("gate", job));
  return code;
}

}  // namespace jsift::cli
