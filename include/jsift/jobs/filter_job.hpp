// jsift/jobs/filter_job.hpp — `jsift filter`: keeps the records for which every
// predicate holds (AND), or with `invert` those for which some predicate
// fails, and writes them byte-for-byte, in input order, to an output_file.
//
// A dropped record's disposition names the first predicate that failed
// (`filtered:--turns 5..10`), or `filtered:--invert`. Predicates are shared
// read-only by the worker threads; the output is written only at commit.
#pragma once

#include <memory>
#include <vector>

#include "jsift/io/output_file.hpp"
#include "jsift/json/predicate.hpp"
#include "jsift/engine/record_job.hpp"

namespace jsift {

class filter_job final : public record_job {
 public:
  filter_job(const std::vector<input_file>& files, record_job_options ro,
             std::vector<std::unique_ptr<predicate>> preds, bool invert, output_file& out);

 protected:
  void on_record(record_chunk& rc, const record_ref& rec) const override;
  void on_commit(record_chunk& rc) override;
  bool emits_records() const override { return true; }

 private:
  std::vector<std::unique_ptr<predicate>> preds_;
  std::vector<size_t> ids_;  // disposition id of each predicate
  size_t invert_id_ = 0;
  bool invert_;
  output_file& out_;
};

}  // namespace jsift
