// `jsift merge PARTIAL...`: the result of one run from its tasks' partials
// (stats --partial or gate --partial, with --tasks N --task I): every task
// once, same options (or gate file), same inputs; counts added and sets
// united in task order. A gate's checks are evaluated here: exit 1 when one
// fails, as `jsift gate`.
#include <fmt/format.h>

#include "../command.hpp"
#include "../common_flags.hpp"
#include "../diversity_merge.hpp"
#include "../gate_output.hpp"
#include "jsift/config/gate_config.hpp"
#include "jsift/error.hpp"
#include "jsift/io/output_file.hpp"
#include "jsift/io/partial_file.hpp"
#include "jsift/io/sys.hpp"
#include "jsift/jobs/gate_job.hpp"
#include "jsift/jobs/stats_job.hpp"
#include "jsift/report/run_report.hpp"
#include "jsift/report/stats_report.hpp"

namespace jsift::cli {
namespace {

enum class merge_format { auto_, table, json, md };

// What every partial's head says, whatever its command: which task of which
// run, and what must be equal across the run's tasks.
struct head {
  std::string kind;  // "stats", "gate" or "diversity"
  uint64_t tasks = 1, task = 0;
  std::string same;  // the options (stats) or the gate file's text
  std::vector<std::string> inputs;
  std::vector<skipped_input> skipped;
  std::string config_path;  // gate
  stats_options options;    // stats
};

head read_head(partial_reader& r) {
  head h;
  h.kind = r.str();
  if (h.kind == "stats") {
    stats_partial_head s = stats_partial_head::read(r);
    h.tasks = s.tasks, h.task = s.task, h.same = s.options.fingerprint(), h.inputs = std::move(s.inputs), h.skipped = std::move(s.skipped);
    h.options = std::move(s.options);
  } else if (h.kind == "diversity") {
    diversity_partial_head d = read_diversity_head(r);
    h.tasks = d.tasks, h.task = d.task, h.same = std::move(d.fingerprint), h.inputs = std::move(d.inputs);
  } else if (h.kind == "gate") {
    gate_partial_head g = gate_partial_head::read(r);
    h.tasks = g.tasks, h.task = g.task, h.same = std::move(g.config_text), h.inputs = std::move(g.inputs), h.skipped = std::move(g.skipped);
    h.config_path = std::move(g.config_path);
  } else {
    r.fail(fmt::format("a partial of `{}`, not one this command merges", h.kind));
  }
  return h;
}

head read_head(partial_reader&& r) { return read_head(r); }

class merge_command final : public command {
 public:
  command_info info() const override {
    return {"merge", "The result of one run from its tasks' partials (stats, gate or diversity --partial --tasks N --task I)",
            "Every task 0..N-1 once, written with the same options over the same inputs; exact where each task counted exactly "
            "(sets are united, not estimated). Places are FILE@BYTE. A gate's checks are evaluated here (exit 1 if one fails). "
            "Example: for i in 0 1 2; do jsift stats --tasks 3 --task $i --partial part-$i.bin data/; done; jsift merge part-*.bin"};
  }
  void define(flag_list& f) override {
    f.inputs(partials_, "The tasks' partial files, in any order");
    f.choice("--format", format_,
             {{"auto", merge_format::auto_}, {"table", merge_format::table}, {"json", merge_format::json}, {"md", merge_format::md}},
             "Stats and diversity: auto (table on a terminal, JSON otherwise), table, json or (diversity) md")
        .shows_default("auto");
    f.toggle("--json", json_, "Same as --format json");
    f.text("--report", "FILE", report_, "Stats and diversity: also write the JSON report to FILE").files();
    f.text("--html", "FILE", html_, "Diversity: also write the report as an HTML page").files();
    f.toggle("--md", md_, "Diversity: the report as Markdown");
    define_gate_reports(f, gate_reports_);
    f.text("--title", "TEXT", title_, "Gate: the results' title in Markdown and JUnit (default: jsift gate: and the gate file's name)");
  }
  int run(const invocation&) override {
    if (partials_.empty() || (partials_.size() == 1 && partials_[0] == "-")) throw usage_error("name the tasks' partial files");
    // First every file's checksum and head (one file in memory at a time),
    // then the merge, in task order, reading each again.
    std::vector<std::pair<head, std::string>> parts;
    for (const auto& p : partials_) parts.emplace_back(read_head(partial_reader::open(p)), p);
    std::sort(parts.begin(), parts.end(), [](const auto& a, const auto& b) { return a.first.task < b.first.task; });
    const head& first = parts.front().first;
    for (size_t i = 0; i < parts.size(); ++i) {
      const auto& [h, name] = parts[i];
      if (h.kind != first.kind)
        throw usage_error(fmt::format("{} is a partial of `{}`, {} of `{}`: partials of different commands", name, h.kind,
                                      parts[0].second, first.kind));
      if (h.tasks != first.tasks)
        throw usage_error(fmt::format("{} is task {} of {}, {} of {}: tasks of different runs", name, h.task, h.tasks, first.task, first.tasks));
      if (h.task != i) {
        if (i > 0 && h.task == parts[i - 1].first.task)
          throw usage_error(fmt::format("{} and {} are both task {} of {}", parts[i - 1].second, name, h.task, h.tasks));
        throw usage_error(fmt::format("task {} of {} is missing", i, first.tasks));
      }
      if (h.same != first.same) {
        if (h.kind == "gate") throw usage_error(fmt::format("{} was written with another gate file than {}", name, parts[0].second));
        throw usage_error(fmt::format("{} was written with other options than {} ({} / {})", name, parts[0].second, h.same, first.same));
      }
      if (h.inputs != first.inputs) throw usage_error(fmt::format("{} was run over other inputs than {}", name, parts[0].second));
    }
    if (parts.size() != first.tasks) throw usage_error(fmt::format("task {} of {} is missing", parts.size(), first.tasks));
    const bool gate = first.kind == "gate";
    if (first.kind == "diversity") {  // its report is the diversity command's
      if (!gate_reports_.json.empty() || !gate_reports_.markdown.empty() || !gate_reports_.junit.empty())
        throw usage_error("merge: these are diversity partials: --report (JSON) and --html write their report");
      check_distinct_outputs({{"stdout", "-"}, {"--report", report_}, {"--html", html_}});
      std::vector<std::string> ordered;
      for (const auto& [h, path] : parts) ordered.push_back(path);
      if (!title_.empty()) throw usage_error("merge: --title goes with a gate's partials");
      const std::string format = md_ || format_ == merge_format::md ? "md"
                                 : json_ || format_ == merge_format::json ? "json"
                                 : format_ == merge_format::table ? "table"
                                                                  : "auto";
      return merge_diversity(ordered, format, report_, html_);
    }
    if (!html_.empty() || md_ || format_ == merge_format::md) throw usage_error("merge: --html, --md and --format md go with diversity partials");
    if (!gate && !title_.empty()) throw usage_error("merge: --title goes with a gate's partials");
    if (gate && (json_ || format_ != merge_format::auto_ || !report_.empty()))
      throw usage_error("merge: these are a gate's partials: --report-json, --report-md and --junit write its results");
    if (!gate && (!gate_reports_.json.empty() || !gate_reports_.markdown.empty() || !gate_reports_.junit.empty()))
      throw usage_error("merge: these are stats partials: --report writes their report");
    if (gate) check_distinct_outputs(gate_outputs(gate_reports_));
    else check_distinct_outputs({{"stdout", "-"}, {"--report", report_}});

    std::vector<input_file> files;
    for (const auto& name : first.inputs) files.push_back(input_file{name == "<stdin>" ? "-" : name, {}, 0, UINT64_MAX, true});
    auto merge_all = [&](auto& job) {
      for (const auto& [h, path] : parts) {
        partial_reader r = partial_reader::open(path);
        read_head(r);
        job.merge_partial(r);
        r.end();
      }
    };
    if (gate) {
      gate_config cfg = load_gate_config_text(first.same, first.config_path);
      gate_job job(files, record_job_options{}, cfg);
      merge_all(job);
      if (!first.skipped.empty()) print_err(skipped_warnings(first.skipped));
      return report_gate(gate_reports_, job, !title_.empty() ? title_ : cfg.name.empty() ? "jsift gate" : "jsift gate: " + cfg.name);
    }
    stats_job job(files, record_job_options{}, first.options, stats_mode::merged);
    merge_all(job);
    const bool json = json_ || format_ == merge_format::json || (format_ == merge_format::auto_ && !is_terminal(1));
    std::string report = stats_json(job, first.skipped);
    std::string shown = json ? report : stats_table(job);
    sys::write_all(1, shown.data(), shown.size(), "to stdout");
    if (!report_.empty()) write_file_atomic(report_, report);
    return 0;
  }

 private:
  std::vector<std::string> partials_;
  merge_format format_ = merge_format::auto_;
  bool json_ = false;
  std::string report_, html_, title_;
  bool md_ = false;
  gate_report_args gate_reports_;
};

}  // namespace

std::unique_ptr<command> make_merge_command() { return std::make_unique<merge_command>(); }

}  // namespace jsift::cli
