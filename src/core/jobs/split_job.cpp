#include "jsift/jobs/split_job.hpp"

namespace jsift {
namespace {
struct split_chunk : record_chunk {
  explicit split_chunk(const key_spec& s, size_t n) : hasher(s), buckets(n), counts(n, 0) {}
  key_hasher hasher;
  std::vector<std::string> buckets;
  std::vector<uint64_t> counts;
};
}  // namespace

split_job::split_job(const std::vector<input_file>& files, record_job_options ro, const split_router& router,
                     std::vector<output_file*> outs)
    : record_job(files, std::move(ro)), router_(router), outs_(std::move(outs)), counts_(router.size(), 0) {}

std::unique_ptr<record_chunk> split_job::make_chunk() const {
  return std::make_unique<split_chunk>(router_.key(), router_.size());
}

void split_job::on_record(record_chunk& rc, const record_ref& rec) const {
  auto& sc = static_cast<split_chunk&>(rc);
  size_t b = router_.bucket(sc.hasher, rec);
  sc.buckets[b].append(rec.line);
  sc.buckets[b].push_back('\n');
  ++sc.counts[b];
  rc.counts.add(disposition_names::kept);
}

void split_job::on_commit(record_chunk& rc) {
  auto& sc = static_cast<split_chunk&>(rc);
  for (size_t b = 0; b < sc.buckets.size(); ++b) {
    outs_[b]->write(sc.buckets[b]);
    counts_[b] += sc.counts[b];
  }
}

void split_job::finish_records() {
  for (output_file* o : outs_) o->commit();
}

}  // namespace jsift
