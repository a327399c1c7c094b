#include "jsift/jobs/stats_job.hpp"

namespace jsift {

namespace {
struct stats_chunk : record_chunk {
  explicit stats_chunk(const stats_options& o) : partial(o) {}
  stats_partial partial;
};
}  // namespace

stats_job::stats_job(const std::vector<input_file>& files, record_job_options ro, stats_options so)
    : record_job(files, std::move(ro)),
      so_(std::move(so)),
      sets_(so_.approx ? nullptr : std::make_unique<stats_sets>(so_)),
      acc_(so_, sets_.get()) {}

std::unique_ptr<record_chunk> stats_job::make_chunk() const { return std::make_unique<stats_chunk>(so_); }

void stats_job::on_record(record_chunk& rc, const record_ref& rec) const {
  static_cast<stats_chunk&>(rc).partial.add(so_, rec.line, *rec.doc);
  rc.counts.add(disposition_names::kept);
}

void stats_job::on_chunk_end(record_chunk& rc, const chunk& c) const {
  if (!sets_) return;
  if (c.seq == 0) sets_->reserve(expected_records(rc, c));
  static_cast<stats_chunk&>(rc).partial.close(so_, *sets_);
}

void stats_job::on_commit(record_chunk& rc) { acc_.merge(static_cast<stats_chunk&>(rc).partial); }

}  // namespace jsift
