#include "jsift/jobs/stats_job.hpp"

namespace jsift {

namespace {
struct stats_chunk : record_chunk {
  explicit stats_chunk(const stats_options& o) : partial(o) {}
  stats_partial partial;
};
}  // namespace

stats_job::stats_job(const std::vector<input_file>& files, record_job_options ro, stats_options so)
    : record_job(files, std::move(ro)), so_(std::move(so)), acc_(so_) {}

std::unique_ptr<record_chunk> stats_job::make_chunk() const { return std::make_unique<stats_chunk>(so_); }

void stats_job::on_record(record_chunk& rc, const record_ref& rec) const {
  static_cast<stats_chunk&>(rc).partial.add(so_, rec.line, *rec.doc);
  rc.counts.add(disposition_names::kept);
}

void stats_job::on_commit(record_chunk& rc) { acc_.merge(static_cast<stats_chunk&>(rc).partial); }

}  // namespace jsift
