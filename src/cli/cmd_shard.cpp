// `jsift shard` (inputs -> shard_job -> shards, card, manifest) and
// `jsift verify DIR`.
#include <fmt/format.h>

#include "commands.hpp"
#include "jsift/error.hpp"
#include "jsift/report/run_report.hpp"
#include "jsift/jobs/shard_job.hpp"
#include "job_runner.hpp"
#include "options.hpp"
#include "terminal.hpp"
#include "jsift/io/byte_size.hpp"

namespace jsift::cli {

int run_shard(const parsed_flags& f) {
  run_config cfg = make_run_config(f.common);
  shard_options o;
  o.dir = f.shard.dir;
  o.split = f.shard.split;
  if (o.split.empty() || o.split.find('/') != std::string::npos) throw usage_error("--split: expected a name without '/'");
  o.max_records = f.shard.max_records;
  if (!f.shard.max_bytes.empty()) o.max_bytes = parse_size(f.shard.max_bytes, "--max-bytes");
  o.level = f.shard.level;
  o.compress = f.shard.compress == "zstd";
  if (!f.shard.by.empty()) o.by = path::parse(f.shard.by);
  o.force = f.shard.force;
  o.command = f.argv;

  shard_job job(cfg.inputs, cfg.records, o);
  run_job(cfg, cfg.inputs, job);
  job.finish();
  job.finish_shards();
  if (!cfg.report.empty()) write_file_atomic(cfg.report, run_report_json("shard", job));
  if (!cfg.quiet) print_err(invalid_warnings(job) + summary_line("shard", job) + job.summary());
  return 0;
}

int run_verify(const parsed_flags& f) {
  verify_result r = verify_shards(f.verify_dir, f.verify_threads);
  std::string out;
  for (const auto& p : r.problems) out += fmt::format("jsift verify: {}\n", p);
  if (r.problems.empty())
    out += fmt::format("jsift verify: {}: OK, {} shards, {} records match the manifest\n", f.verify_dir, r.shards, with_commas(r.records));
  else
    out += fmt::format("jsift verify: {}: {} problem{}\n", f.verify_dir, r.problems.size(), r.problems.size() == 1 ? "" : "s");
  print_err(out);
  return r.problems.empty() ? 0 : int(exit_code::data);
}

}  // namespace jsift::cli
