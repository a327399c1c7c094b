// jsift/jobs/filter_job.hpp — `jsift filter`: the predicate chain
// (stages/predicate_chain.hpp) on every record; kept records are written
// byte-for-byte, in input order, to an output_file, and a dropped record's
// disposition names the first predicate that failed (`filtered:--turns
// 5..10`) or `filtered:--invert`.
//
// The chain is shared read-only by the workers; the output is written only at
// commit and renamed into place by finish(). `chain` and `out` must outlive
// the job.
#pragma once

#include <vector>

#include "jsift/engine/record_job.hpp"
#include "jsift/io/output_file.hpp"
#include "jsift/io/write_behind.hpp"
#include "jsift/stages/predicate_chain.hpp"

namespace jsift {

class filter_job final : public record_job {
 public:
  filter_job(const std::vector<input_file>& files, record_job_options ro, const predicate_chain& chain, output_file& out);

 protected:
  void on_record(record_chunk& rc, const record_ref& rec) const override;
  void on_commit(record_chunk& rc) override;
  bool emits_records() const override { return true; }
  void drain_outputs() override { writer_.drain(); }
  void finish_records() override {
    writer_.drain();
    out_.commit();
  }

 private:
  const predicate_chain& chain_;
  std::vector<size_t> ids_;  // the chain's dispositions
  output_file& out_;
  write_behind writer_;  // the output's writes, off the committing thread
};

}  // namespace jsift
