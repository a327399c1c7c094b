// `jsift stats`: wires inputs -> stats_job -> report on stdout.
#include <fmt/format.h>

#include "commands.hpp"
#include "jsift/error.hpp"
#include "jsift/report/run_report.hpp"
#include "jsift/jobs/stats_job.hpp"
#include "jsift/io/sys.hpp"
#include "job_runner.hpp"
#include "options.hpp"
#include "terminal.hpp"

namespace jsift::cli {

int run_stats(const parsed_flags& f) {
  run_config cfg = make_run_config(f.common);
  stats_options so;
  if (!f.stats.by.empty()) {
    so.by = path::parse(f.stats.by);
  } else {
    so.by = path::parse(".record_type");
    so.by_is_default = true;
  }
  if (!f.stats.turns_path.empty()) so.turns_path = path::parse(f.stats.turns_path);
  for (const auto& u : f.stats.unique) so.unique.push_back(path::parse(u));
  so.record_key.norm = normalization::parse(f.stats.normalize);
  so.approx = f.stats.approx;
  so.duplicates = !f.stats.no_duplicates;
  bool json = f.stats.json || f.stats.format == "json" || (f.stats.format == "auto" && !is_terminal(1));

  stats_job job(cfg.inputs, cfg.records, std::move(so));
  run_job(cfg, cfg.inputs, job);
  job.finish();

  std::string report = stats_json(job);
  std::string shown = json ? report : stats_table(job);
  sys::write_all(1, shown.data(), shown.size(), "to stdout");
  if (!cfg.report.empty()) write_file_atomic(cfg.report, report);
  if (!cfg.quiet && job.invalid_total() && json) print_err(summary_line("stats", job));
  return 0;
}

}  // namespace jsift::cli
