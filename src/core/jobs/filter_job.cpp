#include "jsift/jobs/filter_job.hpp"

namespace jsift {

filter_job::filter_job(const std::vector<input_file>& files, record_job_options ro,
                       std::vector<std::unique_ptr<predicate>> preds, bool invert, output_file& out)
    : record_job(files, std::move(ro)), preds_(std::move(preds)), invert_(invert), out_(out) {
  for (const auto& p : preds_) ids_.push_back(names().add("filtered:" + p->name()));
  if (invert_) invert_id_ = names().add("filtered:--invert");
}

void filter_job::on_record(record_chunk& rc, const record_ref& rec) const {
  for (size_t i = 0; i < preds_.size(); ++i) {
    if (!preds_[i]->test(rec.line, rec.root)) {
      if (invert_) rc.keep(rec.line);
      else rc.drop(ids_[i]);
      return;
    }
  }
  if (invert_) rc.drop(invert_id_);
  else rc.keep(rec.line);
}

void filter_job::on_commit(record_chunk& rc) { out_.write(rc.out); }

}  // namespace jsift
