// jsift/jobs/gate_job.hpp — `jsift gate`: every check of a gate_config
// (stages/gate_checks.hpp) computed in ONE pass over the input. Each chunk
// gets one state per check, filled on the workers and merged in input order,
// so results do not depend on -j. The config must outlive the job; results()
// is read after the pass (report/gate_report.hpp renders it).
#pragma once

#include <vector>

#include "jsift/engine/record_job.hpp"
#include "jsift/stages/gate_checks.hpp"

namespace jsift {

class gate_job final : public record_job {
 public:
  gate_job(const std::vector<input_file>& files, record_job_options ro, gate_config& cfg);
  std::vector<check_result> results() const;
  const gate_config& config() const { return cfg_; }

 protected:
  std::unique_ptr<record_chunk> make_chunk() const override;
  void on_record(record_chunk& rc, const record_ref& rec) const override;
  void on_chunk_end(record_chunk& rc, const chunk& c) const override;
  void on_commit(record_chunk& rc) override;

 private:
  gate_config& cfg_;
  std::vector<uint64_t> reached_;  // records where each watched path reached a value
};

}  // namespace jsift
