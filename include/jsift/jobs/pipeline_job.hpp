// jsift/jobs/pipeline_job.hpp — `jsift run`: the stages of the transforms,
// filter, dedup, rebalance and split chained in one job, per record, from a
// pipeline spec (read from TOML by config/pipeline_config.hpp). They are the
// very stage objects the single commands use: record_transforms, a
// predicate_chain, first_seen, a selector with bottom_k or an emit_plan, a
// split_router; so the result is the same as chaining the commands with
// pipes. The transforms run on the workers; the records they make are
// parsed again for the stages after them.
//
// Workers evaluate the predicates and compute every key the later stages
// need (dedup key, group and selection key, split bucket); the ordered commit
// makes the order-dependent decisions (dedup's first occurrence, then the
// selection) and routes kept records to their split's output, byte-for-byte
// and in input order.
//
// Passes over the input: one without [rebalance]; with it, the surveys the
// selection planner asks for (each over the records that survive filter and
// dedup), then the emitting pass. Every pass repeats filter and dedup with a
// fresh first_seen (they are deterministic, so every pass sees the same
// survivors); only the emitting pass writes --dups and the index.
//
// Lifetimes: the spec, the first_seen, the survey or plan and the output
// files must outlive a job.
#pragma once

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "jsift/engine/pass.hpp"
#include "jsift/engine/record_job.hpp"
#include "jsift/io/output_file.hpp"
#include "jsift/io/write_behind.hpp"
#include "jsift/jobs/shard_job.hpp"
#include "jsift/stages/bottom_k.hpp"
#include "jsift/stages/emit_plan.hpp"
#include "jsift/json/text_source.hpp"
#include "jsift/stages/first_seen.hpp"
#include "jsift/stages/near_seen.hpp"
#include "jsift/stages/gate_checks.hpp"
#include "jsift/stages/predicate_chain.hpp"
#include "jsift/stages/quota.hpp"
#include "jsift/stages/record_transform.hpp"
#include "jsift/stages/selection_planner.hpp"
#include "jsift/stages/selector.hpp"
#include "jsift/stages/split_router.hpp"

namespace jsift {

struct pipeline_spec;

struct pipeline_dedup {
  first_seen_options seen;           // key, index, dups
  std::vector<std::string> against;  // reference sets
  uint64_t max_memory = 0;           // bytes; 0: unlimited
  // near = true: near-duplicates (dedup --near) on the texts at `key`
  // joined (auto without key); `seen`'s index and dups paths apply.
  std::optional<near_seen_options> near;
  std::vector<text_source> near_key;
};

// A pass's [dedup] stage: exact keys, or near-duplicates (one of them, or neither).
struct pipeline_dedup_stage {
  first_seen* exact = nullptr;
  near_seen* near = nullptr;
  explicit operator bool() const { return exact || near; }
};

// Makes a fresh [dedup] stage for a pass of `spec` (none without [dedup]);
// `emitting`: the pass that writes --dups.
struct pipeline_dedup_owner {
  std::unique_ptr<first_seen> exact;
  std::unique_ptr<near_seen> near;
  pipeline_dedup_owner(const pipeline_spec& spec, const std::vector<input_file>& inputs, memory_budget& budget,
                       const key_set* reference, bool emitting);
  pipeline_dedup_stage stage() const { return {exact.get(), near.get()}; }
  void write_json(json_writer& w) const;  // the report's "dedup" (or "near") section
  std::string summary() const;
};

struct pipeline_rebalance {
  selector sel;
  quota_request quota;
};

struct pipeline_output {
  std::string dir;
  bool shard = false;
  shard_options shards;  // level and limits ([output] level, max_bytes, max_records)
};

struct pipeline_spec {
  std::string path, name;
  // [[transform]] tables, in file order, before [filter]; at most one of
  // them makes several records of a line (explode, window).
  std::vector<std::shared_ptr<const record_transform>> transforms;
  std::optional<predicate_chain> filter;
  std::optional<pipeline_dedup> dedup;
  std::optional<pipeline_rebalance> rebalance;
  split_router split{{{"data", 1.0}}, {}, 0};  // one output, "data", without [split]
  pipeline_output output;
  gate_config gate;  // checks on the output (may be empty)
  std::vector<std::string> sections;  // the file's top-level keys but name ("filter", "transform"...), in file order
  bool has(std::string_view section) const { return std::find(sections.begin(), sections.end(), section) != sections.end(); }
};

struct pipeline_chunk;  // a chunk's results (pipeline_job.cpp)

class pipeline_job final : public record_job {
 public:
  // Survey pass: offers the survivors of filter and dedup to `survey`.
  pipeline_job(const std::vector<input_file>& files, record_job_options ro, const pipeline_spec& spec, pipeline_dedup_stage dedup,
               bottom_k& survey);
  // Emitting pass: writes the survivors (as many copies as `plan` says, with
  // [rebalance]), outs[i] for split i; finish() renames them into place
  // (unless `keep_temporary`: run shards them from their temporaries) and
  // commits --dups and the index.
  pipeline_job(const std::vector<input_file>& files, record_job_options ro, const pipeline_spec& spec, pipeline_dedup_stage dedup,
               const emit_plan* plan, std::vector<output_file*> outs, bool keep_temporary = false);
  ~pipeline_job() override;

  const std::vector<uint64_t>& written() const { return written_; }
  // With an explode or window in [[transform]]: the records it made (the
  // lines it made them of are "expanded:<name>") and their dispositions.
  bool has_records_ledger() const { return expanded_id_ != 0; }
  uint64_t records_in() const { return records_in_; }
  const disposition_counts& record_counts() const { return records_; }
  const std::vector<transform_tally>& tallies() const { return tallies_; }

 protected:
  std::unique_ptr<record_chunk> make_chunk() const override;
  void on_record(record_chunk& rc, const record_ref& rec) const override;
  void on_chunk_end(record_chunk& rc, const chunk& c) const override;
  void on_commit(record_chunk& rc) override;
  bool emits_records() const override { return true; }
  void drain_outputs() override {
    if (writer_) writer_->drain();
  }
  void finish_records() override;
  void finish_outputs() override;

 private:
  void register_names();
  void transform(pipeline_chunk& pc, const record_ref& rec, size_t i, bool made) const;
  void through(pipeline_chunk& pc, const record_ref& rec, bool record) const;
  std::vector<size_t> transform_failed_ids_;
  size_t expanded_id_ = 0;
  disposition_counts records_;
  uint64_t records_in_ = 0;
  std::vector<transform_tally> tallies_;
  const pipeline_spec& spec_;
  first_seen* seen_;
  near_seen* near_;
  bottom_k* survey_ = nullptr;
  const emit_plan* plan_ = nullptr;
  std::vector<size_t> filtered_ids_;
  size_t duplicate_id_ = 0, sampled_out_id_ = 0, keyless_id_ = 0;
  std::vector<output_file*> outs_;
  bool keep_temporary_ = false;
  std::vector<uint64_t> written_;
  std::vector<std::string> buffers_;
  // The outputs' writes, off the committing thread (the emitting pass only;
  // destroyed first).
  std::unique_ptr<write_behind> writer_;
  void write_behind_of(size_t bucket);  // hands buffers_[bucket] over
};

// Loads the [dedup] reference sets (`against`) into `into`; returns the
// warnings about references that gave no key.
std::string load_pipeline_references(const pipeline_spec& spec, const record_job_options& ro, unsigned threads, key_set& into);

// The selection planner's surveys for [rebalance], each a pass over `inputs`
// through filter and a fresh dedup (reading the index, not writing it).
planned_selection plan_pipeline_selection(const pipeline_spec& spec, const std::vector<input_file>& inputs,
                                          const pass_options& po, const record_job_options& ro, memory_budget& budget,
                                          const key_set* reference);

}  // namespace jsift
