// jsift/jobs/pipeline_job.hpp — `jsift run`: filter -> dedup -> rebalance -> split in one
// job, from a pipeline TOML file, then the gate's checks on what was written.
//
// flow_job chains the stages per record. Workers evaluate the predicates and
// compute every key the later stages need (dedup key, group and selection
// key, split bucket); the ordered commit makes the order-dependent decisions
// (dedup's first occurrence, then the rebalance threshold) and routes kept
// records to their split's output, byte-for-byte and in input order.
//
// Passes over the input: one without rebalance; with rebalance, a survey pass
// (records surviving filter and dedup: group counts and bottom-k heaps) then
// the emit pass -- and one more survey first when the quotas depend on the
// counts (--target, --equal). Each pass repeats filter and dedup, which are
// deterministic, so every pass sees the same survivors.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "jsift/jobs/gate_job.hpp"
#include "jsift/sets/key_set.hpp"
#include "jsift/io/output_file.hpp"
#include "jsift/json/predicate.hpp"
#include "jsift/stages/quota.hpp"
#include "jsift/engine/record_job.hpp"
#include "jsift/json/record_key.hpp"
#include "jsift/jobs/select_jobs.hpp"

namespace jsift {

struct flow_spec {
  std::string path, name;
  std::vector<std::unique_ptr<predicate>> filter;
  bool invert = false;
  bool dedup = false;
  key_spec dedup_key;
  bool rebalance = false;
  selector sel;
  quota_request quota;
  std::vector<std::pair<std::string, double>> splits;  // empty: one output, "data"
  key_spec split_key;
  uint64_t split_seed = 0;
  std::string out_dir;
  bool shard = false;
  int level = 3;
  uint64_t max_bytes = 0, max_records = 0;
  gate_config gate;  // checks on the output (may be empty)
};

// Reads a pipeline file; usage_error naming FILE:LINE:COL for any mistake.
flow_spec load_flow(const std::string& path);

class flow_job final : public record_job {
 public:
  // Survey pass: no output; counts groups of the survivors and keeps the k
  // smallest selection keys of each group in `k`.
  flow_job(const std::vector<input_file>& files, record_job_options ro, const flow_spec& spec,
           std::map<std::string, uint64_t> k);
  // Emit pass: writes the survivors that the plans keep, outs[i] for split i.
  flow_job(const std::vector<input_file>& files, record_job_options ro, const flow_spec& spec,
           std::map<std::string, group_plan> plans, std::vector<output_file*> outs);
  ~flow_job() override;

  const std::map<std::string, uint64_t>& group_counts() const { return counts_; }
  void set_default_k(uint64_t k) { default_k_ = k; }  // survey: for groups not in k
  std::map<std::string, sel_key> thresholds() const;
  const std::vector<uint64_t>& written() const { return written_; }

 protected:
  std::unique_ptr<record_chunk> make_chunk() const override;
  void on_record(record_chunk& rc, const record_ref& rec) const override;
  void on_commit(record_chunk& rc) override;
  bool emits_records() const override { return true; }

 private:
  void setup_names();
  const flow_spec& spec_;
  bool emit_;
  std::vector<size_t> filtered_ids_;
  size_t invert_id_ = 0, duplicate_id_ = 0, sampled_out_id_ = 0;
  key_set seen_;
  std::map<std::string, uint64_t> k_;
  uint64_t default_k_ = 0;
  std::vector<uint64_t> cuts_;  // split bucket boundaries
  std::map<std::string, uint64_t> counts_;
  std::map<std::string, std::vector<sel_key>> heaps_;
  std::map<std::string, group_plan> plans_;
  std::vector<output_file*> outs_;
  std::vector<uint64_t> written_;
  std::vector<std::string> buffers_;
};

}  // namespace jsift
