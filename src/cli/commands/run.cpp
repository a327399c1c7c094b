// `jsift run --config pipeline.toml`: the selection's surveys (with
// [rebalance]), the emitting pass into DIR/SPLIT.jsonl, packaging into shard
// directories (with [output] shard = true), then the gate on the output.
#include <filesystem>

#include <fmt/format.h>

#include "../command.hpp"
#include "../common_flags.hpp"
#include "../dedup_stage_run.hpp"
#include "../selection_run.hpp"
#include "../gate_output.hpp"
#include "jsift/config/pipeline_config.hpp"
#include "jsift/error.hpp"
#include "jsift/io/units.hpp"
#include "jsift/jobs/pipeline_job.hpp"
#include "jsift/jobs/hub_manifest.hpp"
#include "jsift/jobs/shard_job.hpp"
#include "jsift/report/run_report.hpp"

namespace jsift::cli {
namespace fs = std::filesystem;
namespace {

class run_command final : public command {
 public:
  command_info info() const override {
    return {"run", "A whole pipeline from a TOML file: transforms, filter, dedup, rebalance, split (and shard), then the gate on the output",
            "Exit codes as for gate. Example: jsift run --config examples/pipeline.toml data/"};
  }
  void define(flag_list& f) override {
    define_common(f, common_, output_flag::none);
    f.text("--config", "FILE", config_,
           "The pipeline file: [[transform]] [filter] [dedup] [rebalance] [split] [output] and [[check]] (see README 'jsift run')")
        .files()
        .required();
    f.text("-o,--output", "DIR", dir_, "Output directory (overrides [output] dir)").dirs();
    f.toggle("--force", force_, "Write into a non-empty output directory, replacing what this run writes once it is complete");
    define_gate_reports(f, reports_);
    define_tasks(f, common_);
    f.text("--stage", "WORD", stage_.stage,
           "With --tasks, for a pipeline of [dedup] alone: keys, find, cluster (near with dups) or drop (as dedup --stage); of [rebalance] alone: survey1, "
           "survey2 or emit (as rebalance --stage). The records go to DIR/data.jsonl, [dedup]'s duplicates to DIR/dups.jsonl. "
           "jsift cluster -- run cuts a pipeline into these parts");
    define_dedup_stage_flags(f, stage_);
  }

  int run(const invocation& inv) override {
    spec_ = load_pipeline(config_);  // config errors first: exit 2 before any data is read
    if (!dir_.empty()) spec_.output.dir = dir_;
    if (!stage_.stage.empty()) return run_stage();
    if (common_.tasks) {  // a task's part: per record sections only
      if (spec_.dedup || spec_.rebalance)
        throw usage_error(fmt::format("{}: [dedup] and [rebalance] see every task: run the pipeline with jsift cluster -- run, "
                                      "which cuts it into stages",
                                      config_));
      if (!spec_.gate.checks.empty())
        throw usage_error(fmt::format("{}: with --tasks the [[check]] tables run on the joined output: jsift cluster -- run does that",
                                      config_));
    }
    if (spec_.output.dir.empty()) throw usage_error(fmt::format("{}: no output directory: set [output] dir or give -o DIR", config_));
    refuse_a_non_empty_directory();
    s_ = make_settings(common_);
    std::vector<std::pair<std::string, std::string>> outputs;
    if (!spec_.gate.checks.empty()) outputs = gate_outputs(reports_);
    for (const auto& [name, share] : spec_.split.ratios())
      outputs.emplace_back(fmt::format("split '{}'", name), (fs::path(spec_.output.dir) / (name + ".jsonl")).string());
    if (spec_.dedup) outputs.emplace_back("[dedup] dups", spec_.dedup->seen.dups_path);
    check_outputs(s_, outputs);
    std::unique_ptr<input_spool> spool;
    if (spec_.rebalance) spool = std::make_unique<input_spool>(s_.inputs);  // read more than once
    if (spec_.dedup) budget_.limit = spec_.dedup->max_memory;
    if (std::string w = load_pipeline_references(spec_, s_.records, s_.pass.threads, reference_); !w.empty() && !s_.quiet) print_err(w);

    planned_selection planned = plan();
    if (spec_.rebalance)
      check_room_for((fs::path(spec_.output.dir) / (spec_.split.name(0) + ".jsonl")).string(), planned.output_bytes);
    emit(planned);
    package(inv);
    report();
    int rc = gate();
    if (!s_.quiet) print_err(summary_);
    return rc;
  }

 private:
  // --stage: one stage of [dedup] or [rebalance] over --tasks, for a
  // pipeline that holds only that table (jsift cluster -- run's parts).
  int run_stage() {
    const bool dedup = spec_.has("dedup") && spec_.sections.size() == 1, select = spec_.has("rebalance") && spec_.sections.size() == 1;
    if (!dedup && !select)
      throw usage_error(fmt::format("{}: --stage runs a pipeline of [dedup] alone or [rebalance] alone (jsift cluster -- run cuts a "
                                    "pipeline into them)",
                                    config_));
    // The other stages write into --workdir only; near [dedup]'s cluster writes DIR/dups.jsonl.
    const bool writes = stage_.stage == "drop" || stage_.stage == "emit" || stage_.stage == "cluster";
    const std::string dir = spec_.output.dir;  // -o DIR is in it
    if (stage_.stage == "cluster" && !(dedup && spec_.dedup->near && !spec_.dedup->seen.dups_path.empty()))
      throw usage_error(fmt::format("{}: --stage cluster goes with a [dedup] of near = true and dups (it writes the dups)", config_));
    if (writes && dir.empty()) throw usage_error(fmt::format("--stage {} writes into -o DIR", stage_.stage));
    if (writes) {
      std::error_code ec;
      fs::create_directories(dir, ec);
      if (ec) throw std::system_error(ec, fmt::format("cannot create directory '{}'", dir));
    }
    const std::string data = writes && stage_.stage != "cluster" ? (fs::path(dir) / "data.jsonl").string() : std::string("-");
    if (dedup) {
      const pipeline_dedup& d = *spec_.dedup;
      require_across_tasks(spec_, config_);
      stage_.max_memory = d.max_memory;
      near_stage near;
      if (d.near) near.params = d.near->params, near.key = d.near_key;
      // dups: exact dedup's drop writes them; near's keys take them (to write signatures) and its cluster writes them.
      std::string dups;
      if (!d.seen.dups_path.empty() && (d.near ? stage_.stage == "keys" || stage_.stage == "cluster" : stage_.stage == "drop"))
        dups = writes ? (fs::path(dir) / "dups.jsonl").string() : d.seen.dups_path;
      reference_loader against;
      if (!d.against.empty())
        against = [&](key_set& into, const record_job_options& ro, unsigned threads) { return load_pipeline_references(spec_, ro, threads, into); };
      return run_dedup_stage(common_, stage_, d.seen.key, near, data, dups, "run", against);
    }
    if (stage_.workdir.empty()) throw option_error("stage", "needs --workdir DIR");
    if (stage_.ranges || stage_.range) throw option_error("ranges", "goes with a [dedup] stage");
    run_settings s = make_settings(common_);
    s.output = data;
    return run_selection(s, "run", spec_.rebalance->sel, &spec_.rebalance->quota, 0, 0,
                         selection_stage_flags(common_, stage_.stage, stage_.workdir, true));
  }

  // Surveys for [rebalance]; its data-dependent errors (a group with no
  // records) are told in the file's words.
  planned_selection plan() {
    if (!spec_.rebalance) return {};
    try {
      return plan_pipeline_selection(spec_, s_.inputs, s_.pass, s_.records, budget_, &reference_);
    } catch (const option_error& e) {
      // The groups are those of the records that survive [filter] and
      // [dedup]: a group the input has can vanish there.
      const bool earlier = spec_.filter || spec_.dedup;
      throw usage_error(fmt::format("{}: [rebalance]: {}{}{}", config_, e.field.empty() ? "" : "'" + e.field + "': ",
                                    option_error::as_keys(e.problem),
                                    earlier ? " (counting the records that survive [filter] and [dedup]; a group the input has may vanish there)"
                                            : ""));
    }
  }

  // Without --force, a run writes only into an empty (or new) directory: a
  // rerun must not replace a build silently. With it, what the run writes is
  // replaced once it is complete (shards: only the splits it writes).
  void refuse_a_non_empty_directory() const {
    std::error_code ec;
    if (force_ || !fs::is_directory(spec_.output.dir, ec)) return;
    for (auto& e : fs::directory_iterator(spec_.output.dir, ec)) {
      (void)e;
      throw usage_error(fmt::format("'{}' is not empty (--force replaces what this run writes, once it is complete)", spec_.output.dir));
    }
  }

  // The pass that writes DIR/SPLIT.jsonl (and --dups, the index); with
  // shard = true they stay temporaries, the shards' input.
  void emit(const planned_selection& planned) {
    std::error_code ec;
    fs::create_directories(spec_.output.dir, ec);
    if (ec) throw std::system_error(ec, fmt::format("cannot create directory '{}'", spec_.output.dir));
    std::vector<output_file*> outs;
    for (const auto& [name, share] : spec_.split.ratios()) {
      files_.push_back(std::make_unique<output_file>((fs::path(spec_.output.dir) / (name + ".jsonl")).string()));
      outs.push_back(files_.back().get());
    }
    dedup_ = std::make_unique<pipeline_dedup_owner>(spec_, s_.inputs, budget_,
                                                    spec_.dedup && !spec_.dedup->against.empty() ? &reference_ : nullptr, true);
    job_ = std::make_unique<pipeline_job>(s_.inputs, s_.records, spec_, dedup_->stage(), spec_.rebalance ? &planned.plan : nullptr, outs,
                                          spec_.output.shard);
    run_with_progress(s_, s_.inputs, *job_);
    job_->finish();
  }

  // With shard = true, every split's records become its shards in DIR, under
  // one manifest and one card (the Hub's layout for several splits).
  void package(const invocation& inv) {
    for (size_t i = 0; i < spec_.split.size(); ++i) {
      if (!spec_.output.shard) {
        outputs_.push_back(files_[i]->path());
        continue;
      }
      shard_options so = spec_.output.shards;
      so.dir = spec_.output.dir;
      so.split = spec_.split.name(i);
      so.force = force_;  // without it the directory was empty: no split to replace
      so.command = inv.argv;
      if (common_.tasks)  // the cluster joins the tasks' shards
        so.task = std::make_pair(common_.task_index(), *common_.tasks), so.run = so.run_fingerprint(s_.all_inputs);
      std::vector<input_file> in{{files_[i]->temporary_path(), files_[i]->path()}};
      record_job_options ro;  // the run validated these records already, with the same limit
      ro.max_line_bytes = s_.records.max_line_bytes;
      shard_job sj(in, ro, so);
      run_pass(in, s_.pass, sj);
      sj.finish();
      outputs_.push_back((fs::path(so.dir) / (so.split + "-*.jsonl" + (so.compressed() ? ".zst" : ""))).string());
    }
  }

  void report() {
    summary_ = skipped_warnings(s_.skipped) + invalid_warnings(*job_) + (spec_.filter ? spec_.filter->conversation_warning() : "") +
               summary_line("run", *job_);
    for (size_t i = 0; i < spec_.transforms.size(); ++i) summary_ += spec_.transforms[i]->summary(job_->tallies()[i]);
    if (job_->has_records_ledger()) {
      std::string parts;
      for (const auto& [name, n] : job_->record_counts().listed(job_->names()))
        parts += fmt::format("{}{} {}", parts.empty() ? "" : ", ", with_commas(n), name);
      summary_ += fmt::format("  {} records made: {}\n", with_commas(job_->records_in()), parts.empty() ? "none" : parts);
    }
    for (size_t i = 0; i < spec_.split.size(); ++i)
      summary_ += fmt::format("  {:<16}{:>12} records  -> {}\n", fit(spec_.split.name(i), 15), with_commas(job_->written()[i]), outputs_[i]);
    if (dedup_) summary_ += dedup_->summary();
    if (s_.report.empty()) return;
    write_file_atomic(s_.report, run_report_json("run", *job_, [&](json_writer& w) {
                        w.key("outputs").begin_object();
                        for (size_t i = 0; i < spec_.split.size(); ++i) {
                          w.key(spec_.split.name(i)).begin_object();
                          w.key("path").value(outputs_[i]);
                          w.key("records").value(job_->written()[i]);
                          w.end_object();
                        }
                        w.end_object();
                        if (!spec_.transforms.empty()) {
                          w.key("transforms").begin_array();
                          for (size_t i = 0; i < spec_.transforms.size(); ++i) {
                            w.begin_object();
                            w.key("transform").value(spec_.transforms[i]->name());
                            spec_.transforms[i]->write_report(w, job_->tallies()[i]);
                            w.end_object();
                          }
                          w.end_array();
                        }
                        if (job_->has_records_ledger()) {  // the records explode or window made, each with one disposition
                          w.key("records").begin_object();
                          w.key("made").value(job_->records_in());
                          w.key("dispositions");
                          job_->record_counts().write_json(w, job_->names());
                          w.end_object();
                        }
                        if (dedup_) dedup_->write_json(w);
                        if (spec_.filter) spec_.filter->write_conversations_json(w, false);
                        write_skipped_inputs_json(w, s_.skipped);
                      }));
  }

  // The gate's checks, on what was written.
  int gate() {
    if (spec_.gate.checks.empty()) return 0;
    std::vector<std::string> written;
    if (spec_.output.shard) {  // the shards of the splits this run wrote, as the manifest lists them
      hub_manifest m = hub_manifest::read(spec_.output.dir);
      for (const auto& [split, share] : spec_.split.ratios())
        for (const auto& f : m.shard_files(split)) written.push_back((fs::path(spec_.output.dir) / f).string());
    } else {
      written = outputs_;
    }
    std::vector<input_file> inputs = expand_inputs(written);
    record_job_options ro;
    ro.max_line_bytes = s_.records.max_line_bytes;
    gate_job g(inputs, ro, spec_.gate);
    run_pass(inputs, s_.pass, g);
    return report_gate(reports_, g, spec_.name.empty() ? "jsift run" : "jsift run: " + spec_.name);
  }

  common_args common_;
  dedup_stage_args stage_;
  std::string config_, dir_;
  bool force_ = false;
  gate_report_args reports_;
  // the run
  pipeline_spec spec_;
  run_settings s_;
  memory_budget budget_;
  key_set reference_{false, &budget_};
  std::unique_ptr<pipeline_dedup_owner> dedup_;
  std::vector<std::unique_ptr<output_file>> files_;
  std::unique_ptr<pipeline_job> job_;
  std::vector<std::string> outputs_;
  std::string summary_;
};

}  // namespace

std::unique_ptr<command> make_run_command() { return std::make_unique<run_command>(); }

}  // namespace jsift::cli
