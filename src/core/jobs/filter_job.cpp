#include "jsift/jobs/filter_job.hpp"

namespace jsift {

filter_job::filter_job(const std::vector<input_file>& files, record_job_options ro, const predicate_chain& chain,
                       output_file& out)
    : record_job(files, std::move(ro)),
      chain_(chain),
      ids_(chain.register_dispositions(names())),
      out_(out),
      writer_(write_behind_bytes) {}

void filter_job::on_record(record_chunk& rc, const record_ref& rec) const {
  if (auto i = chain_.rejecting(rec)) rc.drop(ids_[*i]);
  else rc.keep(rec.line);
}

void filter_job::on_commit(record_chunk& rc) {
  if (rc.out.empty()) return;
  const size_t n = rc.out.capacity();  // what it holds: sized for the whole chunk, however little was kept
  writer_.post(n, [&out = out_, bytes = std::move(rc.out)] { out.write(bytes); });
}

}  // namespace jsift
