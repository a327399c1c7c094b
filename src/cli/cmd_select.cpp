// `jsift rebalance` and `jsift sample -n / --fraction`: plan quotas, find
// each group's bottom-k threshold, then emit the selected records in order
// (see selection.hpp for the passes).
#include <cmath>

#include <fmt/format.h>

#include "commands.hpp"
#include "jsift/error.hpp"
#include "jsift/stages/quota.hpp"
#include "jsift/report/run_report.hpp"
#include "jsift/jobs/select_jobs.hpp"
#include "job_runner.hpp"
#include "options.hpp"
#include "terminal.hpp"

namespace jsift::cli {
namespace {

selector make_selector(const select_flags& f) {
  selector sel;
  if (!f.by.empty()) sel.by = path::parse(f.by);
  if (!f.key.empty()) sel.key.paths.push_back(path::parse(f.key));
  sel.seed = f.seed;
  return sel;
}

struct selection_result {
  std::map<std::string, quota> quotas;
  std::map<std::string, group_plan> plans;
};

// Passes 1 (counts, when quotas need them) and 2 (thresholds).
selection_result plan_selection(const run_config& cfg, const selector& sel, const quota_request& req) {
  using kind = quota_request::kind;
  selection_result r;
  std::map<std::string, uint64_t> k;
  uint64_t default_k = 0;
  const bool needs_counts = req.mode == kind::target || req.mode == kind::equal;
  if (needs_counts) {
    threshold_job counter(cfg.inputs, look_only(cfg.records), sel, {});
    run_job(cfg, cfg.inputs, counter, false);
    r.quotas = plan_quotas(counter.counts(), req);
    k = threshold_sizes(r.quotas);
  } else if (req.mode == kind::cap) {
    k = req.caps;
  } else {
    default_k = req.cap_all;
  }
  threshold_job th(cfg.inputs, look_only(cfg.records), sel, k);
  th.set_default_k(default_k);
  run_job(cfg, cfg.inputs, th, false);
  if (!needs_counts) r.quotas = plan_quotas(th.counts(), req);
  r.plans = make_group_plans(r.quotas, th.thresholds());
  return r;
}

void write_selection_json(json_writer& w, const selector& sel, const std::map<std::string, quota>& quotas,
                          const emit_job& job, bool spooled) {
  w.key("selection").begin_object();
  w.key("seed").value(sel.seed);
  w.key("by");
  if (sel.by) w.value(sel.by->text());
  else w.null();
  w.key("key").value(sel.key.paths.empty() ? std::string("record") : sel.key.paths[0].text());
  uint64_t total = 0;
  for (auto& [g, q] : quotas) total += q.keep;
  w.key("selected").value(total);
  w.key("upsampled_copies").value(job.extra_copies());
  w.key("stdin_spooled").value(spooled);
  w.key("groups").begin_object();
  for (auto& [g, q] : quotas) {
    w.key(g).begin_object();
    w.key("available").value(q.available);
    w.key("selected").value(q.keep);
    w.key("sampled_out").value(q.available - std::min(q.available, q.keep));
    w.key("share").value(total ? std::round(double(q.keep) / double(total) * 1e6) / 1e6 : 0.0);
    w.key("target");
    if (q.share) w.value(*q.share);
    else w.null();
    w.end_object();
  }
  w.end_object();
  w.end_object();
}

std::string selection_table(const std::map<std::string, quota>& quotas) {
  uint64_t total = 0;
  for (auto& [g, q] : quotas) total += q.keep;
  std::string o = fmt::format("  {:<24}{:>12}{:>12}{:>9}{:>9}\n", "group", "available", "selected", "share", "target");
  for (auto& [g, q] : quotas)
    o += fmt::format("  {:<24}{:>12}{:>12}{:>8.1f}%{:>9}\n", g, with_commas(q.available), with_commas(q.keep),
                     total ? 100.0 * double(q.keep) / double(total) : 0.0, q.share ? fmt::format("{:.1f}%", *q.share * 100) : "-");
  return o;
}

int run_selection(const parsed_flags& f, std::string_view command, const quota_request* req, double fraction) {
  run_config cfg = make_run_config(f.common);
  selector sel = make_selector(f.select);
  input_spool spool(cfg.inputs);  // before the first pass: stdin is read more than once
  output_file out(cfg.output);
  selection_result plan;
  std::unique_ptr<emit_job> job;
  if (req) {
    plan = plan_selection(cfg, sel, *req);
    job = std::make_unique<emit_job>(cfg.inputs, cfg.records, sel, plan.plans, out);
  } else {
    job = std::make_unique<emit_job>(cfg.inputs, cfg.records, sel, fraction, out);
  }
  run_job(cfg, cfg.inputs, *job);
  out.commit();
  job->finish();
  if (!cfg.report.empty())
    write_file_atomic(cfg.report, run_report_json(command, *job, [&](json_writer& w) {
                        if (req) write_selection_json(w, sel, plan.quotas, *job, spool.used());
                      }));
  if (!cfg.quiet) {
    std::string msg = invalid_warnings(*job) + summary_line(command, *job);
    if (req) msg += selection_table(plan.quotas);
    if (job->extra_copies()) msg += fmt::format("jsift {}: upsampled: {} extra copies of records\n", command, job->extra_copies());
    print_err(msg);
  }
  return 0;
}

}  // namespace

int run_rebalance(const parsed_flags& f) {
  const select_flags& s = f.select;
  quota_request req;
  int modes = !s.target.empty() + !s.cap.empty() + (s.cap_all > 0) + s.equal;
  if (modes != 1) throw usage_error("rebalance: give exactly one of --target, --cap, --cap-all, --equal");
  using kind = quota_request::kind;
  if (!s.target.empty()) req.mode = kind::target, req.shares = parse_shares(s.target, "--target");
  if (!s.cap.empty()) req.mode = kind::cap, req.caps = parse_counts(s.cap, "--cap");
  if (s.cap_all) req.mode = kind::cap_all, req.cap_all = s.cap_all;
  if (s.equal) req.mode = kind::equal;
  if (s.total) {
    if (req.mode != kind::target && req.mode != kind::equal) throw usage_error("--total goes with --target or --equal");
    req.total = s.total;
  }
  req.others = s.others == "keep" ? others_policy::keep : others_policy::drop;
  req.allow_upsample = s.allow_upsample;
  return run_selection(f, "rebalance", &req, 0);
}

int run_sample(const parsed_flags& f) {
  const select_flags& s = f.select;
  bool by_n = s.n > 0, by_fraction = s.fraction >= 0;
  if (by_n == by_fraction) throw usage_error("sample: give exactly one of -n N or --fraction F");
  if (by_fraction) {
    if (!(s.fraction <= 1.0)) throw usage_error("--fraction: expected a number between 0 and 1");
    return run_selection(f, "sample", nullptr, s.fraction);
  }
  quota_request req;
  req.mode = quota_request::kind::cap_all;
  req.cap_all = s.n;
  return run_selection(f, "sample", &req, 0);
}

}  // namespace jsift::cli
