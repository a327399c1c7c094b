// `jsift filter`: wires inputs -> filter_job -> output file, then the
// dispositions summary (stderr) and --report.
#include <fmt/format.h>

#include "commands.hpp"
#include "jsift/error.hpp"
#include "jsift/jobs/filter_job.hpp"
#include "jsift/report/run_report.hpp"
#include "job_runner.hpp"
#include "options.hpp"
#include "terminal.hpp"

namespace jsift::cli {
namespace {

// Predicates in a fixed order (cheap ones first), so the disposition of a
// record rejected by several is the same whatever the order of the flags.
std::vector<std::unique_ptr<predicate>> make_predicates(const filter_flags& f) {
  std::vector<std::unique_ptr<predicate>> out;
  if (!f.bytes.empty()) out.push_back(make_bytes(range::parse(f.bytes, "--bytes")));
  if (!f.turns.empty()) {
    std::optional<path> tp;
    if (!f.turns_path.empty()) tp = path::parse(f.turns_path);
    out.push_back(make_turns(range::parse(f.turns, "--turns"), std::move(tp)));
  } else if (!f.turns_path.empty()) {
    throw usage_error("--turns-path needs --turns");
  }
  for (const auto& h : f.has) out.push_back(make_has(h));
  for (const auto& n : f.nonempty) out.push_back(make_nonempty(n));
  for (const auto& l : f.len) out.push_back(make_len(l));
  for (const auto& e : f.eq) out.push_back(make_eq(e, false));
  for (const auto& e : f.ne) out.push_back(make_eq(e, true));
  for (const auto& m : f.match) out.push_back(make_match(m));
  return out;
}

}  // namespace

int run_filter(const parsed_flags& f) {
  auto preds = make_predicates(f.filter);
  run_config cfg = make_run_config(f.common);
  output_file out(cfg.output);
  filter_job job(cfg.inputs, cfg.records, std::move(preds), f.filter.invert, out);
  run_job(cfg, cfg.inputs, job);
  out.commit();
  job.finish();
  if (!cfg.report.empty()) write_file_atomic(cfg.report, run_report_json("filter", job));
  if (!cfg.quiet) {
    print_err(invalid_warnings(job) + summary_line("filter", job));
  }
  return 0;
}

}  // namespace jsift::cli
