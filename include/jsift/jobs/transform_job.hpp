// jsift/jobs/transform_job.hpp — `jsift set`, `cut`, `explode`, `window`,
// `convert`: a record
// transform (stages/record_transform.hpp) on every record, the results
// written in input order (after the transform's header) to an output_file.
// A record the transform cannot handle is dropped as "filtered:<name>";
// a kept line may become several records (explode): records_out() says how
// many were written.
// `t` and `out` must outlive the job.
#pragma once

#include <vector>

#include "jsift/engine/record_job.hpp"
#include "jsift/io/output_file.hpp"
#include "jsift/io/write_behind.hpp"
#include "jsift/stages/record_transform.hpp"

namespace jsift {

class transform_job final : public record_job {
 public:
  transform_job(const std::vector<input_file>& files, record_job_options ro, const record_transform& t, output_file& out);

 protected:
  std::unique_ptr<record_chunk> make_chunk() const override;
  void on_record(record_chunk& rc, const record_ref& rec) const override;
  void on_commit(record_chunk& rc) override;
  bool emits_records() const override { return true; }
  void drain_outputs() override { writer_.drain(); }
  void finish_records() override {
    writer_.drain();
    out_.commit();
  }

 public:
  uint64_t records_out() const { return records_out_; }
  uint64_t skipped() const { return tally_.skipped; }  // parts the transform left out
  const transform_tally& tally() const { return tally_; }

 private:
  const record_transform& t_;
  uint64_t records_out_ = 0;
  transform_tally tally_;
  size_t failed_;  // the disposition "filtered:<name>"
  output_file& out_;
  write_behind writer_;
};

}  // namespace jsift
