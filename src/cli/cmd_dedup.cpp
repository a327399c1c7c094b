// `jsift dedup`: inputs -> dedup_job -> output file, --dups, --index, report.
#include <fmt/format.h>

#include "commands.hpp"
#include "jsift/jobs/dedup_job.hpp"
#include "jsift/error.hpp"
#include "jsift/report/run_report.hpp"
#include "jsift/io/sys.hpp"
#include "job_runner.hpp"
#include "options.hpp"
#include "terminal.hpp"
#include "jsift/io/byte_size.hpp"

namespace jsift::cli {

int run_dedup(const parsed_flags& f) {
  run_config cfg = make_run_config(f.common);
  dedup_options o;
  for (const auto& k : f.dedup.keys) o.key.paths.push_back(path::parse(k));
  o.key.norm = normalization::parse(f.dedup.normalize);
  o.dups_path = f.dedup.dups;
  o.count_only = f.dedup.count_only;
  o.index_path = f.dedup.index;
  o.against = f.dedup.against;
  if (o.count_only && cfg.output != "-") throw usage_error("--count-only writes no records: drop -o");
  memory_budget budget;
  if (!f.dedup.max_memory.empty()) budget.limit = parse_size(f.dedup.max_memory, "--max-memory");

  std::unique_ptr<output_file> out;
  if (!o.count_only) out = std::make_unique<output_file>(cfg.output);
  dedup_job job(cfg.inputs, cfg.records, o, out.get(), budget);
  // Reference files are read, not passed on: their bad lines are skipped
  // (and counted as invalid there), never quarantined with the input's.
  if (!o.against.empty()) load_reference_keys(o.against, o.key, look_only(cfg.records), cfg.threads, job.reference());

  run_job(cfg, cfg.inputs, job);
  if (out) out->commit();
  job.finish();
  job.finish_outputs();
  if (!cfg.report.empty())
    write_file_atomic(cfg.report, run_report_json("dedup", job, [&](json_writer& w) {
                        w.key("dedup");
                        job.write_json(w);
                      }));
  if (o.count_only) {
    std::string s = job.summary();
    sys::write_all(1, s.data(), s.size(), "to stdout");
  }
  if (!cfg.quiet) {
    std::string msg = invalid_warnings(job) + summary_line("dedup", job);
    if (!o.count_only) msg += job.summary();
    print_err(msg);
  }
  return 0;
}

}  // namespace jsift::cli
