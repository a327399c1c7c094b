// jsift/jobs/dedup_stages.hpp — exact dedup over the whole input in three
// stages, for inputs cut into tasks (io/task_part.hpp); the result is the
// bytes of `jsift dedup` on the whole input, its --dups included.
//
//   keys  (per task)   every keyed record's key and place go to one of F
//                      hash ranges: DIR/keys-TTTTT-RRRRR.bin, sorted by key
//                      then place; the task's lines per file to
//                      DIR/lines-TTTTT.bin (global line numbers come from them)
//   find  (per range)  reads the range of every task, keeps the first place
//                      of each key (input order) and writes, for each task,
//                      the places it must drop: DIR/drop-RRRRR-TTTTT.bin
//   drop  (per task)   drops its places; --dups lines name the first
//                      occurrence by its global line, as one run would
//
// With `near` (dedup --near), a record's keys are the MinHash band keys of
// its text (one per band, all at its place): a record is a near-duplicate
// when one of its band keys came first at an earlier place, which is the
// single run's rule (near_seen: a record sharing a band with an earlier
// one), so find and drop are the same stages. Its --dups lines name the
// earliest match, a Jaccard estimate and the cluster as known then, so they
// take a fourth stage between find and drop, and keys' signatures:
//
//   keys    (near_dups) also each keyed record's signature low bytes (112
//           at 14 x 8) and place: DIR/sigs-TTTTT.bin
//   cluster (one task)  reads every drop file (the matches: a record and the
//                       first place of each band key it repeats), joins
//                       them by union-find in input order, reads the
//                       signatures of the records it names, and writes the
//                       --dups file of the whole input
//
// Its memory: 16 bytes per distinct (record, earlier record) match, 8 + 8 +
// 112 per record named (the near-duplicates and their matches: place,
// union-find parent, signature), 24 per near-duplicate; each drop list and
// signature file is read whole, one at a time. keys holds 136 bytes per
// record of signatures until it writes them.
//
// With a reference set (--against), keys looks each keyed record up in it
// (its key, or with near any of its band keys) as one run does: a record
// found there writes no key (so it is never a first occurrence) and goes
// to DIR/against-TTTTT.bin; drop drops it as a duplicate, and its --dups
// line (drop's, or with near cluster's) says {"against":true}. Every task
// of keys loads the reference set (its memory: 20-30 bytes per key).
//
// Files are partials (io/partial_file.hpp): versioned, checksummed, and
// checked to belong to the same run (tasks, ranges, key). Memory: keys
// holds 40 bytes per key of its part until it writes them (with near, one
// per band: 560 bytes per record at 14 bands); find holds its range of
// every task (40 bytes per key); drop 48 bytes per dropped key of its part.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "jsift/engine/record_job.hpp"
#include "jsift/io/output_file.hpp"
#include "jsift/json/minhash.hpp"
#include "jsift/json/record_key.hpp"
#include "jsift/json/text_source.hpp"
#include "jsift/sets/key_set.hpp"

namespace jsift {

struct dedup_stage_options {
  std::string dir;        // where the stages' files go
  uint64_t tasks = 1, task = 0;
  uint64_t ranges = 1;    // F hash ranges
  key_spec key;
  std::optional<minhash_params> near;  // near-duplicates: band keys of the texts at near_key
  std::vector<text_source> near_key;
  bool near_dups = false;  // keys writes the signatures the cluster stage needs
  bool against = false;    // a reference set: keys writes the records it holds
  const key_set* reference = nullptr;  // keys': the reference set's keys (or band keys with near)
  // What the keys are, checked across the stages' files.
  std::string key_text() const;
};

// Stage 1: the records' keys and places. Call write() after the pass.
class dedup_keys_job final : public record_job {
 public:
  dedup_keys_job(const std::vector<input_file>& files, record_job_options ro, dedup_stage_options o);
  void write() const;

 protected:
  std::unique_ptr<record_chunk> make_chunk() const override;
  void on_record(record_chunk& rc, const record_ref& rec) const override;
  void on_commit(record_chunk& rc) override;

 private:
  struct place {
    hash128 key;
    uint32_t file;  // among all inputs
    uint64_t offset, line;  // line: within this task's part of the file, 1-based
  };
  dedup_stage_options o_;
  std::vector<std::vector<place>> ranges_;
  struct signed_place {
    uint32_t file;
    uint64_t offset, line;
  };
  std::vector<place> against_;        // the records the reference set holds, in order
  std::vector<signed_place> signed_;  // with near_dups: the keyed records, in order,
  std::vector<uint8_t> low_;          // and their signatures' low bytes
  std::vector<uint64_t> lines_;  // per file among all inputs: lines of this task's part
  uint64_t keyless_ = 0;
};

// Stage 2: range `range` of every task; returns the duplicates found.
uint64_t dedup_find(const dedup_stage_options& o, uint64_t range);

// With near and --dups, between find and drop: writes the --dups lines of
// the whole input to `dups` (`all_inputs` names the files); returns them.
uint64_t dedup_cluster(const dedup_stage_options& o, const std::vector<input_file>& all_inputs, output_file& dups);

// Stage 3: drops the places stage 2 gave this task; keeps the rest byte for
// byte (as dedup_job), --dups in dups_path ("" for none). `all_inputs`
// names the files in --dups.
class dedup_drop_job final : public record_job {
 public:
  dedup_drop_job(const std::vector<input_file>& files, record_job_options ro, const dedup_stage_options& o,
                 const std::vector<input_file>& all_inputs, output_file* out, const std::string& dups_path);
  uint64_t duplicates() const { return dropped_; }

 protected:
  bool emits_records() const override { return true; }
  std::unique_ptr<record_chunk> make_chunk() const override;
  void on_record(record_chunk& rc, const record_ref& rec) const override;
  void on_commit(record_chunk& rc) override;
  void finish_records() override {
    if (out_) out_->commit();
  }
  void finish_outputs() override;

 private:
  struct drop {
    uint32_t file;
    uint64_t offset, line;       // the dropped record's global line
    hash128 key;
    uint32_t first_file;         // against_file: the reference set holds it
    uint64_t first_line;
  };
  static constexpr uint32_t against_file = UINT32_MAX;
  std::vector<drop> drops_;  // sorted by (file, offset)
  const drop* find(uint32_t file, uint64_t offset) const;
  std::vector<input_file> all_;
  output_file* out_;
  std::unique_ptr<output_file> dups_;
  size_t duplicate_id_;
  uint64_t dropped_ = 0;
};

}  // namespace jsift
