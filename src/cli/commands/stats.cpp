// `jsift stats`: inputs -> stats_job -> the profile on stdout (table on a
// terminal, JSON otherwise) and in --report.
#include <fmt/format.h>

#include "../command.hpp"
#include "../common_flags.hpp"
#include "jsift/error.hpp"
#include "jsift/io/output_file.hpp"
#include "jsift/io/sys.hpp"
#include "jsift/jobs/stats_job.hpp"
#include "jsift/report/run_report.hpp"
#include "jsift/report/stats_report.hpp"

namespace jsift::cli {
namespace {

enum class stats_format { auto_, table, json };
enum class duplicate_compare { value, bytes };

class stats_command final : public command {
 public:
  command_info info() const override {
    return {"stats", "Profile and validate: counts, lengths, groups, turns, key coverage, uniqueness",
            "Memory: per --unique path and for the duplicate rate, 2 x 20-30 bytes per distinct value (overall and per group);\n"
            "--approx bounds each set to 16 KiB. Example: jsift stats --unique '.turns[-1].content' --by .record_type data/"};
  }
  void define(flag_list& f) override {
    define_common(f, common_, output_flag::none);
    define_tasks(f, common_);
    f.text("--partial", "FILE", partial_,
           "Write this run's counts and sets to FILE instead of the report, for `jsift merge` (with --tasks: one task's)")
        .files();
    f.text("--by", "PATH", by_, "Group counts and uniqueness by this path (default: .record_type when records have it)").paths();
    f.text("--turns-path", "PATH", turns_path_,
           "Conversation (default: the first of .turns .messages .conversations .training_pairs .history .traj, or a text-marked .chosen)")
        .paths();
    f.text("--turns-count", "UNIT", turns_count_,
           "What the turns histogram counts: elements (the array's length, default), messages, user, assistant or exchanges");
    f.texts("--unique", "PATH", unique_, "Distinct/total ratio of the values at PATH, overall and per --by group (repeatable)").paths();
    f.choice("--format", format_, {{"auto", stats_format::auto_}, {"table", stats_format::table}, {"json", stats_format::json}},
             "auto (table on a terminal, JSON otherwise), table or json")
        .shows_default("auto");
    f.toggle("--json", json_, "Same as --format json");
    f.text("--normalize", "LIST", normalize_, "Compare text for --unique and duplicates after normalising: none, or a list of nfkc, fold, punct, ws, case")
        .shows_default("none");
    f.toggle("--approx", approx_, "Count distinct values with HyperLogLog (about 1 % error, 16 KiB per set) instead of exact sets");
    f.choice("--duplicates", compare_, {{"value", duplicate_compare::value}, {"bytes", duplicate_compare::bytes}},
             "Duplicate rate: records equal as JSON values (as dedup and the gate compare them), or byte-identical lines (faster)")
        .shows_default("value");
    f.toggle("--no-duplicates", no_duplicates_, "Skip the whole-record duplicate rate (saves its set)");
  }
  int run(const invocation&) override {
    run_settings s = make_settings(common_);
    stats_options so;
    if (!by_.empty()) {
      so.by = for_option("by", [&] { return path::parse(by_); });
    } else {
      so.by = path::parse(".record_type");
      so.by_is_default = true;
    }
    if (!turns_path_.empty()) so.turns_path = for_option("turns_path", [&] { return path::parse(turns_path_); });
    so.turns_count = parse_turn_unit(turns_count_, "turns_count");
    for (const auto& u : unique_) so.unique.push_back(for_option("unique", [&] { return path::parse(u); }));
    so.record_key.norm = normalization::parse(normalize_);
    so.approx = approx_;
    so.duplicates = !no_duplicates_;
    so.duplicates_by_bytes = compare_ == duplicate_compare::bytes;
    if (so.duplicates_by_bytes && so.record_key.norm.any())
      throw option_error("normalize", "compares values: it does not go with `duplicates` bytes");
    const bool json = json_ || format_ == stats_format::json || (format_ == stats_format::auto_ && !is_terminal(1));

    check_outputs(s, {{"stdout", "-"}, {"--partial", partial_}});
    stats_job job(s.inputs, s.records, std::move(so), partial_.empty() ? stats_mode::plain : stats_mode::task);
    run_with_progress(s, s.inputs, job);
    job.finish();
    if (!partial_.empty()) {  // the task's part: its report comes from jsift merge
      write_file_atomic(partial_, job.partial(common_.task_count(), common_.task_index(), s.all_inputs, s.skipped));
      if (!s.report.empty()) write_file_atomic(s.report, stats_json(job, s.skipped));
      if (!s.quiet) print_err(skipped_warnings(s.skipped) + invalid_warnings(job) + summary_line("stats", job));
      return 0;
    }

    std::string report = stats_json(job, s.skipped);
    std::string shown = json ? report : stats_table(job);
    sys::write_all(1, shown.data(), shown.size(), "to stdout");
    if (!s.report.empty()) write_file_atomic(s.report, report);
    // The table lists the invalid lines itself; with JSON on stdout they are
    // named on stderr, as every other command does.
    // Asked about turns (--turns-path, --turns-count) and none found: say so.
    std::string no_turns;
    const auto& acc = job.stats();
    if ((!turns_path_.empty() || turns_count_ != "elements") && acc.records() && acc.no_conversation() == acc.records())
      no_turns = fmt::format("jsift: warning: none of the {} records has a conversation{}\n", with_commas(acc.records()),
                             turns_path_.empty() ? " (looked for .turns, .messages, .conversations, .training_pairs, .history, .traj, "
                                                   "a text-marked .chosen; --turns-path names another)"
                                                 : " at " + turns_path_);
    if (!s.quiet)
      print_err(skipped_warnings(s.skipped) + no_turns +
                (job.invalid_total() && json ? invalid_warnings(job) + summary_line("stats", job) : ""));
    return 0;
  }

 private:
  common_args common_;
  std::string by_, turns_path_, turns_count_ = "elements", normalize_ = "none", partial_;
  std::vector<std::string> unique_;
  stats_format format_ = stats_format::auto_;
  bool json_ = false, approx_ = false, no_duplicates_ = false;
  duplicate_compare compare_ = duplicate_compare::value;
};

}  // namespace

std::unique_ptr<command> make_stats_command() { return std::make_unique<stats_command>(); }

}  // namespace jsift::cli
