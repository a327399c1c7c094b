// `jsift rebalance`: a deterministic sample to a target mix of a field.
#include "../command.hpp"
#include "../common_flags.hpp"
#include "../selection_run.hpp"
#include "jsift/io/units.hpp"
#include "jsift/stages/quota.hpp"

namespace jsift::cli {
namespace {

class rebalance_command final : public command {
 public:
  command_info info() const override {
    return {"rebalance", "Sample to a target mix of a field, deterministically (--seed); output keeps input order",
            "Records are chosen per group by the smallest seeded XXH3 (bottom-k): the same seed gives the same output.\n"
            "Memory: the k smallest keys per group (24 bytes each); stdin is spooled to $TMPDIR (read more than once).\n"
            "Example: jsift rebalance --by .record_type --target chat=0.5,qa=0.3,preference=0.2 --seed 7 data/ -o mix.jsonl"};
  }
  void define(flag_list& f) override {
    define_common(f, common_, output_flag::records);
    define_tasks(f, common_);
    f.text("--stage", "WORD", stage_,
           "One stage of the selection over --tasks: survey1, survey2 (each task's survey, merged by the next stage) or emit "
           "(this task's part of the output, selected as one run would); jsift cluster runs them");
    f.text("--workdir", "DIR", workdir_, "Where the surveys go (with --stage)").dirs();
    f.text("--by", "PATH", by_, "The field whose mix to set (e.g. .record_type)").paths().required();
    f.text("--target", "GROUP=SHARE,...", target_, "Shares of the output: chat=0.35,qa=0.2,... (exact counts; total: --total, or the largest the data allows)");
    f.count("--total", "N", q_.total, "Output records in all, with --target or --equal");
    f.text("--cap", "GROUP=N,...", cap_, "At most N records of each named group: chat=2000,qa=500");
    f.count("--cap-all", "N", q_.cap_all, "At most N records of every group");
    f.toggle("--equal", q_.equal, "The same number of records from every group");
    f.choice("--others", q_.others, {{"drop", others_policy::drop}, {"keep", others_policy::keep}},
             "Groups not named in --target/--cap: drop, or keep them whole")
        .shows_default("drop");
    f.toggle("--allow-upsample", q_.allow_upsample, "Repeat records of groups too small for their quota (reported)");
    f.texts("--key", "PATH", keys_, "Choose by a hash of the value at PATH instead of the whole record (repeatable: a tuple)").paths();
    f.count("--seed", "N", seed_, "Selection seed").shows_default("0");
    f.text("--max-memory", "SIZE", max_memory_, "Fail (exit 4) rather than let the selection's smallest keys grow past SIZE");
  }
  int run(const invocation&) override {
    if (!target_.empty()) q_.target = parse_shares(target_, "target");
    if (!cap_.empty()) q_.cap = parse_counts(cap_, "cap");
    quota_request req = q_.request();
    selector sel = selector::parse(by_, keys_, seed_);
    const selection_stage stage = selection_stage_flags(common_, stage_, workdir_, true);
    run_settings s = make_settings(common_);
    return run_selection(s, "rebalance", sel, &req, 0, max_memory(), stage);
  }

 private:
  uint64_t max_memory() const { return max_memory_.empty() ? 0 : parse_size(max_memory_, "max_memory"); }
  common_args common_;
  std::string stage_, workdir_;
  quota_spec q_;
  std::string by_, target_, cap_;
  std::vector<std::string> keys_;
  uint64_t seed_ = 0;
  std::string max_memory_;
};

}  // namespace

std::unique_ptr<command> make_rebalance_command() { return std::make_unique<rebalance_command>(); }

}  // namespace jsift::cli
