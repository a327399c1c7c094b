#include "jsift/jobs/diversity_job.hpp"

namespace jsift {

namespace {
struct diversity_chunk : record_chunk {
  explicit diversity_chunk(std::vector<diversity_partial> p) : parts(std::move(p)) {}
  std::vector<diversity_partial> parts;
};
}  // namespace

diversity_job::diversity_job(const std::vector<input_file>& files, record_job_options ro, std::vector<diversity_column*> columns)
    : record_job(files, std::move(ro)), columns_(std::move(columns)) {}

std::unique_ptr<record_chunk> diversity_job::make_chunk() const {
  std::vector<diversity_partial> parts;
  {
    std::lock_guard<std::mutex> lock(pool_m_);
    if (!pool_.empty()) parts = std::move(pool_.back()), pool_.pop_back();
  }
  if (parts.empty()) parts.resize(columns_.size());
  return std::make_unique<diversity_chunk>(std::move(parts));
}

void diversity_job::on_record(record_chunk& rc, const record_ref& rec) const {
  auto& dc = static_cast<diversity_chunk&>(rc);
  for (size_t i = 0; i < columns_.size(); ++i) columns_[i]->measure(rec, dc.parts[i]);
  rc.counts.add(disposition_names::kept);
}

void diversity_job::on_chunk_end(record_chunk& rc, const chunk& c) const {
  auto& dc = static_cast<diversity_chunk&>(rc);
  for (size_t i = 0; i < columns_.size(); ++i) {
    dc.parts[i].seq = c.seq;
    columns_[i]->flush(dc.parts[i]);
  }
}

void diversity_job::on_commit(record_chunk& rc) {
  auto& dc = static_cast<diversity_chunk&>(rc);
  for (size_t i = 0; i < columns_.size(); ++i) columns_[i]->merge(dc.parts[i], commit_file(), commit_line(0));  // clears them
  lines_by_file_[files()[commit_file()].whole_index] += rc.tally.lines;
  std::lock_guard<std::mutex> lock(pool_m_);
  pool_.push_back(std::move(dc.parts));
}

}  // namespace jsift
