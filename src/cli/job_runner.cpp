#include "job_runner.hpp"

#include "jsift/engine/pass.hpp"
#include "progress_bar.hpp"
#include "terminal.hpp"

namespace jsift::cli {

void run_job(const run_config& cfg, const std::vector<input_file>& inputs, chunk_job& job, bool show_progress) {
  progress_bar bar(show_progress && progress_enabled(cfg.progress));
  run_pass(inputs, {cfg.chunks, cfg.threads, bar.callback()}, job);
  bar.finish();
}

record_job_options look_only(const record_job_options& ro) {
  record_job_options o = ro;
  if (o.invalid.action == on_invalid::quarantine) o.invalid = invalid_policy{on_invalid::skip, {}};
  return o;
}

}  // namespace jsift::cli
