// `jsift sample`: a uniform, deterministic sample (-n N, or --fraction F).
#include "../command.hpp"
#include "../common_flags.hpp"
#include "../selection_run.hpp"
#include "jsift/io/units.hpp"
#include "jsift/error.hpp"

namespace jsift::cli {
namespace {

class sample_command final : public command {
 public:
  command_info info() const override {
    return {"sample", "A uniform, deterministic sample of records (review sets); output keeps input order",
            "Memory: -n keeps N keys per group (24 bytes each) and spools stdin to $TMPDIR; --fraction keeps nothing."};
  }
  void define(flag_list& f) override {
    define_common(f, common_, output_flag::records);
    define_tasks(f, common_);
    f.text("--stage", "WORD", stage_,
           "One stage of the selection over --tasks: survey1, survey2 (each task's survey, merged by the next stage) or emit "
           "(this task's part of the output, selected as one run would); jsift cluster runs them");
    f.text("--workdir", "DIR", workdir_, "Where the surveys go (with --stage)").dirs();
    f.count("-n", "N", n_, "Exactly N records (N per group with --by)");
    f.count("--total", "N", total_, "N records in all, each --by group its share of the input (a stratified sample)");
    f.number("--fraction", "F", fraction_, "Each record with probability F, decided by its hash (one pass, no memory)");
    f.text("--by", "PATH", by_, "Sample N records from each group of this field").paths();
    f.texts("--key", "PATH", keys_, "Choose by a hash of the value at PATH instead of the whole record (repeatable: a tuple)").paths();
    f.count("--seed", "N", seed_, "Selection seed").shows_default("0");
    f.text("--max-memory", "SIZE", max_memory_, "Fail (exit 4) rather than let the selection's smallest keys grow past SIZE");
  }
  int run(const invocation&) override {
    if (int(n_.has_value()) + int(fraction_.has_value()) + int(total_.has_value()) != 1 || (n_ && *n_ == 0) || (total_ && *total_ == 0))
      throw option_error("", "give exactly one of -n N, `total` N (above 0) or `fraction` F");
    selector sel = selector::parse(by_, keys_, seed_);
    const selection_stage stage = selection_stage_flags(common_, stage_, workdir_, !fraction_);
    run_settings s = make_settings(common_);
    if (fraction_) {
      if (*fraction_ < 0 || *fraction_ > 1) throw option_error("fraction", "expected a number between 0 and 1");
      return run_selection(s, "sample", sel, nullptr, *fraction_, 0);
    }
    quota_request req;
    if (total_) {
      req.mode = quota_request::kind::proportional;
      req.total = *total_;
    } else {
      req.mode = quota_request::kind::cap_all;
      req.cap_all = *n_;
    }
    return run_selection(s, "sample", sel, &req, 0, max_memory(), stage);
  }

 private:
  uint64_t max_memory() const { return max_memory_.empty() ? 0 : parse_size(max_memory_, "max_memory"); }
  common_args common_;
  std::string stage_, workdir_;
  std::optional<uint64_t> n_, total_;
  std::optional<double> fraction_;
  std::string by_;
  std::vector<std::string> keys_;
  uint64_t seed_ = 0;
  std::string max_memory_;
};

}  // namespace

std::unique_ptr<command> make_sample_command() { return std::make_unique<sample_command>(); }

}  // namespace jsift::cli
