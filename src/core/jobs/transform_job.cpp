#include "jsift/jobs/transform_job.hpp"

namespace jsift {

transform_job::transform_job(const std::vector<input_file>& files, record_job_options ro, const record_transform& t,
                             output_file& out)
    : record_job(files, std::move(ro)), t_(t), failed_(names().add("filtered:" + t.name())), out_(out), writer_(write_behind_bytes) {
  if (std::string h = t_.header(); !h.empty()) writer_.post(h.size(), [&o = out_, h] { o.write(h); });
}

namespace {
struct transform_chunk : record_chunk {
  uint64_t records_out = 0;
  transform_tally tally;
};
}  // namespace

std::unique_ptr<record_chunk> transform_job::make_chunk() const { return std::make_unique<transform_chunk>(); }

void transform_job::on_record(record_chunk& rc, const record_ref& rec) const {
  auto& tc = static_cast<transform_chunk&>(rc);
  if (auto n = t_.apply(rec, rc.out, tc.tally)) {
    rc.counts.add(disposition_names::kept);
    tc.records_out += *n;
    tc.tally.made += *n;
  } else {
    rc.drop(failed_);
  }
}

void transform_job::on_commit(record_chunk& rc) {
  auto& tc = static_cast<transform_chunk&>(rc);
  records_out_ += tc.records_out;
  tally_.merge(tc.tally);
  if (rc.out.empty()) return;
  const size_t n = rc.out.capacity();
  writer_.post(n, [&out = out_, bytes = std::move(rc.out)] { out.write(bytes); });
}

}  // namespace jsift
