// `jsift run --config pipeline.toml`: survey passes (rebalance), the emit
// pass into DIR/SPLIT.jsonl, optional sharding, then the gate on the output.
#include <filesystem>

#include <fmt/format.h>

#include "commands.hpp"
#include "jsift/error.hpp"
#include "jsift/jobs/pipeline_job.hpp"
#include "jsift/jobs/gate_job.hpp"
#include "jsift/report/run_report.hpp"
#include "jsift/jobs/shard_job.hpp"
#include "jsift/io/sys.hpp"
#include "job_runner.hpp"
#include "options.hpp"
#include "terminal.hpp"

namespace jsift::cli {
namespace fs = std::filesystem;

int run_flow(const parsed_flags& f) {
  flow_spec spec = load_flow(f.gate.config);  // config errors first: exit 2 before any data is read
  if (!f.split.dir.empty()) spec.out_dir = f.split.dir;
  if (spec.out_dir.empty()) throw usage_error(fmt::format("{}: no output directory: set [output] dir or give -o DIR", f.gate.config));
  run_config cfg = make_run_config(f.common);
  std::unique_ptr<input_spool> spool;
  if (spec.rebalance) spool = std::make_unique<input_spool>(cfg.inputs);

  // Rebalance: plan from the records that survive filter and dedup.
  std::map<std::string, quota> quotas;
  std::map<std::string, group_plan> plans;
  if (spec.rebalance) {
    using kind = quota_request::kind;
    const bool needs_counts = spec.quota.mode == kind::target || spec.quota.mode == kind::equal;
    std::map<std::string, uint64_t> k;
    if (needs_counts) {
      flow_job counter(cfg.inputs, look_only(cfg.records), spec, std::map<std::string, uint64_t>{});
      run_job(cfg, cfg.inputs, counter, false);
      quotas = plan_quotas(counter.group_counts(), spec.quota);
      k = threshold_sizes(quotas);
    } else if (spec.quota.mode == kind::cap) {
      k = spec.quota.caps;
    }
    flow_job survey(cfg.inputs, look_only(cfg.records), spec, k);
    if (spec.quota.mode == kind::cap_all) survey.set_default_k(spec.quota.cap_all);
    run_job(cfg, cfg.inputs, survey, false);
    if (!needs_counts) quotas = plan_quotas(survey.group_counts(), spec.quota);
    plans = make_group_plans(quotas, survey.thresholds());
  }

  std::error_code ec;
  fs::create_directories(spec.out_dir, ec);
  if (ec) throw std::system_error(ec, fmt::format("cannot create directory '{}'", spec.out_dir));
  std::vector<std::unique_ptr<output_file>> files;
  std::vector<output_file*> outs;
  for (auto& [name, share] : spec.splits) {
    files.push_back(std::make_unique<output_file>((fs::path(spec.out_dir) / (name + ".jsonl")).string()));
    outs.push_back(files.back().get());
  }
  flow_job emit(cfg.inputs, cfg.records, spec, plans, outs);
  run_job(cfg, cfg.inputs, emit);
  for (auto& file : files) file->commit();
  emit.finish();

  // Packaging: each split's file becomes DIR/SPLIT/ shards with card and manifest.
  std::vector<input_file> outputs;
  for (size_t i = 0; i < spec.splits.size(); ++i) {
    const std::string jsonl = files[i]->path();
    if (!spec.shard) {
      outputs.push_back({jsonl});
      continue;
    }
    shard_options so;
    so.dir = (fs::path(spec.out_dir) / spec.splits[i].first).string();
    so.split = spec.splits[i].first;
    so.level = spec.level;
    so.max_bytes = spec.max_bytes;
    so.max_records = spec.max_records;
    so.force = true;  // the run owns its output directory
    so.command = f.argv;
    std::vector<input_file> in{{jsonl}};
    record_job_options ro;  // the run validated these records already, with the same limit
    ro.max_line_bytes = cfg.records.max_line_bytes;
    shard_job sj(in, ro, so);
    run_job(cfg, in, sj, false);
    sj.finish_shards();
    fs::remove(jsonl);
    outputs.push_back({so.dir});
  }

  std::string msg = invalid_warnings(emit) + summary_line("run", emit);
  for (size_t i = 0; i < spec.splits.size(); ++i)
    msg += fmt::format("  {:<16}{:>12} records  -> {}\n", spec.splits[i].first, with_commas(emit.written()[i]), outputs[i].path);
  auto extra = [&](json_writer& w) {
    w.key("outputs").begin_object();
    for (size_t i = 0; i < spec.splits.size(); ++i) {
      w.key(spec.splits[i].first).begin_object();
      w.key("path").value(outputs[i].path);
      w.key("records").value(emit.written()[i]);
      w.end_object();
    }
    w.end_object();
  };
  if (!cfg.report.empty()) write_file_atomic(cfg.report, run_report_json("run", emit, extra));

  int rc = 0;
  if (!spec.gate.checks.empty()) {  // the gate, on what was written
    std::vector<input_file> gate_inputs = expand_inputs([&] {
      std::vector<std::string> v;
      for (auto& o : outputs) v.push_back(o.path);
      return v;
    }());
    record_job_options ro;
    ro.max_line_bytes = cfg.records.max_line_bytes;
    gate_job gate(gate_inputs, ro, spec.gate);
    run_job(cfg, gate_inputs, gate, false);
    rc = report_gate(f, spec.gate, gate, spec.name.empty() ? "jsift run" : "jsift run: " + spec.name);
  }
  if (!cfg.quiet) print_err(msg);
  return rc;
}

}  // namespace jsift::cli
