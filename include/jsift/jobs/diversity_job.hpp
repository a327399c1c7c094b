// jsift/jobs/diversity_job.hpp — `jsift diversity`: one pass over one
// dataset measuring its columns (stages/diversity.hpp): measure and flush
// on the workers, merge in input order. The columns must outlive the job;
// call their finish() after the pass.
#pragma once

#include <map>
#include <mutex>
#include <vector>

#include "jsift/engine/record_job.hpp"
#include "jsift/stages/diversity.hpp"

namespace jsift {

class diversity_job final : public record_job {
 public:
  diversity_job(const std::vector<input_file>& files, record_job_options ro, std::vector<diversity_column*> columns);
  // The lines read of each file, by its index among all the inputs (a
  // task's part: the merge numbers its near-duplicates' lines from them).
  const std::map<uint64_t, uint64_t>& lines_by_file() const { return lines_by_file_; }

 protected:
  std::unique_ptr<record_chunk> make_chunk() const override;
  void on_record(record_chunk& rc, const record_ref& rec) const override;
  void on_chunk_end(record_chunk& rc, const chunk& c) const override;
  void on_commit(record_chunk& rc) override;

 private:
  std::vector<diversity_column*> columns_;
  std::map<uint64_t, uint64_t> lines_by_file_;
  // Committed chunks' partials, cleared, for the next chunks: their buffers
  // keep their capacity (a fresh partial's vectors grew to megabytes by
  // doubling on every chunk, and each growth faulted fresh pages in).
  mutable std::mutex pool_m_;
  mutable std::vector<std::vector<diversity_partial>> pool_;
};

}  // namespace jsift
