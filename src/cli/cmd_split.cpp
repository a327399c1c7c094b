// `jsift split`: inputs -> split_job -> DIR/NAME.jsonl per split.
#include <filesystem>

#include <fmt/format.h>

#include "commands.hpp"
#include "jsift/error.hpp"
#include "jsift/stages/quota.hpp"
#include "jsift/report/run_report.hpp"
#include "jsift/jobs/split_job.hpp"
#include "job_runner.hpp"
#include "options.hpp"
#include "terminal.hpp"

namespace jsift::cli {

int run_split(const parsed_flags& f) {
  run_config cfg = make_run_config(f.common);
  split_options o;
  double sum = 0;
  for (auto& [name, share] : parse_shares(f.split.ratios, "--ratios")) {
    if (name.find('/') != std::string::npos || name == "." || name == "..")
      throw usage_error(fmt::format("--ratios: '{}' cannot be a file name", name));
    o.ratios.emplace_back(name, share);
    sum += share;
  }
  if (std::abs(sum - 1.0) > 1e-6) throw usage_error(fmt::format("--ratios: shares sum to {:.6g}; they must sum to 1", sum));
  if (!f.split.key.empty()) o.key.paths.push_back(path::parse(f.split.key));
  o.seed = f.split.seed;

  std::error_code ec;
  std::filesystem::create_directories(f.split.dir, ec);
  if (ec) throw std::system_error(ec, fmt::format("cannot create directory '{}'", f.split.dir));
  std::vector<std::unique_ptr<output_file>> files;
  std::vector<output_file*> outs;
  for (auto& [name, share] : o.ratios) {
    files.push_back(std::make_unique<output_file>((std::filesystem::path(f.split.dir) / (name + ".jsonl")).string()));
    outs.push_back(files.back().get());
  }
  split_job job(cfg.inputs, cfg.records, o, outs);
  run_job(cfg, cfg.inputs, job);
  for (auto& file : files) file->commit();
  job.finish();
  auto write_splits = [&](json_writer& w) {
    w.key("splits").begin_object();
    for (size_t i = 0; i < o.ratios.size(); ++i) {
      w.key(o.ratios[i].first).begin_object();
      w.key("file").value(files[i]->path());
      w.key("records").value(job.split_counts()[i]);
      w.key("target").value(o.ratios[i].second);
      w.end_object();
    }
    w.end_object();
  };
  if (!cfg.report.empty()) write_file_atomic(cfg.report, run_report_json("split", job, write_splits));
  if (!cfg.quiet) {
    std::string msg = invalid_warnings(job) + summary_line("split", job);
    for (size_t i = 0; i < o.ratios.size(); ++i)
      msg += fmt::format("  {:<16}{:>12} records  -> {}\n", o.ratios[i].first, with_commas(job.split_counts()[i]), files[i]->path());
    print_err(msg);
  }
  return 0;
}

}  // namespace jsift::cli
