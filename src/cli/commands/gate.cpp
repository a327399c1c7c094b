// `jsift gate --config FILE`: inputs -> gate_job -> table on stdout, reports.
#include "../command.hpp"
#include "../common_flags.hpp"
#include "../gate_output.hpp"
#include "jsift/error.hpp"
#include "jsift/config/gate_config.hpp"
#include "jsift/io/output_file.hpp"
#include "jsift/jobs/gate_job.hpp"

namespace jsift::cli {
namespace {

class gate_command final : public command {
 public:
  command_info info() const override {
    return {"gate", "Run the checks of a TOML file over the input in one pass; exit 1 if any fails",
            "Exit codes: 0 every check passed, 1 a check failed, 2 config error, 3 invalid data under --on-invalid fail.\n"
            "Example: jsift gate --config examples/chat-gate.toml --on-invalid skip --junit gate.xml data/"};
  }
  void define(flag_list& f) override {
    define_common(f, common_, output_flag::none);
    f.text("--config", "FILE", config_, "The gate file: [[check]] tables (see README 'jsift gate')").files().required();
    define_gate_reports(f, reports_);
    define_tasks(f, common_);
    f.text("--partial", "FILE", partial_,
           "Write this run's counts and sets (and the gate file) to FILE instead of the results, for `jsift merge`, which "
           "evaluates the checks (with --tasks: one task's; a near_duplicates check keeps about 300 bytes per text for the merge to decide)")
        .files();
  }
  int run(const invocation&) override {
    gate_config cfg = load_gate_config(config_);  // config errors first: exit 2 before reading data
    run_settings s = make_settings(common_);
    if (!partial_.empty()) {  // the task's part: the checks are evaluated by jsift merge
      if (!reports_.json.empty() || !reports_.markdown.empty() || !reports_.junit.empty())
        throw usage_error("gate: --partial writes no results: give --report-json, --report-md and --junit to jsift merge");
      check_outputs(s, {{"--partial", partial_}});
      gate_job job(s.inputs, s.records, cfg, true);
      run_with_progress(s, s.inputs, job);
      job.finish();
      write_file_atomic(partial_, job.partial(common_.task_count(), common_.task_index(), s.all_inputs, s.skipped));
      finish_command(s, "gate", job);
      return 0;
    }
    check_outputs(s, gate_outputs(reports_));
    gate_job job(s.inputs, s.records, cfg);
    run_with_progress(s, s.inputs, job);
    job.finish();
    int code = report_gate(reports_, job, cfg.name.empty() ? "jsift gate" : "jsift gate: " + cfg.name);
    finish_command(s, "gate", job);
    return code;
  }

 private:
  common_args common_;
  std::string config_, partial_;
  gate_report_args reports_;
};

}  // namespace

std::unique_ptr<command> make_gate_command() { return std::make_unique<gate_command>(); }

}  // namespace jsift::cli
