#include "job_runner.hpp"

#include "jsift/progress.hpp"
#include "terminal.hpp"

namespace jsift::cli {

void run_job(const run_config& cfg, const std::vector<input_file>& inputs, chunk_job& job, bool show_progress) {
  chunk_reader reader(inputs, cfg.chunks);
  progress_meter progress(show_progress && progress_enabled(cfg.progress), reader.total_bytes());
  run_pipeline(reader, job, {cfg.threads, 0, &progress});
  progress.finish();
}

record_job_options look_only(const record_job_options& ro) {
  record_job_options o = ro;
  if (o.invalid.action == on_invalid::quarantine) o.invalid = invalid_policy{on_invalid::skip, {}};
  return o;
}

}  // namespace jsift::cli
