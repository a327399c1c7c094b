// jsift/jobs/split_job.hpp — `jsift split`: routes every record to its split
// (stages/split_router.hpp) and writes each split's records, byte-for-byte
// and in input order, to its own output file. One pass, no memory beyond the
// chunks. The router and the output files (outs[i] for split i) must outlive
// the job; finish() renames them into place.
#pragma once

#include <string>
#include <vector>

#include "jsift/engine/record_job.hpp"
#include "jsift/error.hpp"
#include "jsift/io/output_file.hpp"
#include "jsift/io/write_behind.hpp"
#include "jsift/stages/split_router.hpp"

namespace jsift {

// The error of a record without a split key under keyless fail (exit 3):
// "FILE:LINE: no value at the split key .id (...; --keyless skip ...)".
data_error keyless_record(const std::string& file, uint64_t line, const split_router& router);
// The same, naming the record by its place as given ("FILE:LINE" or, in a task's part, "FILE@BYTE").
data_error keyless_record(const std::string& place, const split_router& router);

class split_job final : public record_job {
 public:
  split_job(const std::vector<input_file>& files, record_job_options ro, const split_router& router,
            std::vector<output_file*> outs);
  const std::vector<uint64_t>& split_counts() const { return counts_; }

 protected:
  std::unique_ptr<record_chunk> make_chunk() const override;
  void on_record(record_chunk& rc, const record_ref& rec) const override;
  void on_commit(record_chunk& rc) override;
  void drain_outputs() override { writer_.drain(); }
  void finish_records() override;

 private:
  const split_router& router_;
  std::vector<output_file*> outs_;
  std::vector<uint64_t> counts_;
  size_t keyless_id_ = 0;
  write_behind writer_;  // the outputs' writes, off the committing thread (destroyed first)
};

}  // namespace jsift
