// jsift/jobs/dedup_job.hpp — `jsift dedup`: keeps the first occurrence of
// every key, byte-exact and in input order. Workers hash records
// (record_key.hpp) and, when a chunk ends, have the first_seen stage
// (stages/first_seen.hpp) decide its keys, in parallel but as if in input
// order; the ordered commit takes the verdicts, so the kept set and the
// output are the same for any -j. Kept records leave straight from the
// input chunk's bytes.
//
// With --near, the near_seen stage (stages/near_seen.hpp) decides instead,
// on the texts of `near_key` joined by a space; dropped records are
// `duplicate:near`.
//
// `seen` (or `near`) and `out` (null with --count-only) must outlive the job. finish()
// renames the output, then commits --dups and rewrites --index.
#pragma once

#include <string>
#include <sys/uio.h>
#include <vector>

#include "jsift/engine/record_job.hpp"
#include "jsift/io/output_file.hpp"
#include "jsift/io/write_behind.hpp"
#include "jsift/json/text_source.hpp"
#include "jsift/stages/first_seen.hpp"
#include "jsift/stages/near_seen.hpp"

namespace jsift {

class dedup_job final : public record_job {
 public:
  dedup_job(const std::vector<input_file>& files, record_job_options ro, first_seen& seen, output_file* out);
  dedup_job(const std::vector<input_file>& files, record_job_options ro, near_seen& near, std::vector<text_source> near_key,
            output_file* out);

 protected:
  std::unique_ptr<record_chunk> make_chunk() const override;
  void on_record(record_chunk& rc, const record_ref& rec) const override;
  void on_chunk_end(record_chunk& rc, const chunk& c) const override;
  void on_commit(record_chunk& rc) override;
  void drain_outputs() override { writer_.drain(); }
  void finish_records() override {
    writer_.drain();
    if (out_) out_->commit();
  }
  void finish_outputs() override { seen_ ? seen_->finish() : near_->finish(); }

 private:
  first_seen* seen_ = nullptr;
  near_seen* near_ = nullptr;
  std::vector<text_source> near_key_;
  output_file* out_;
  size_t duplicate_id_;
  write_behind writer_;  // the output's writes, off the committing thread
};

// Loads the keys of reference sets (--against: key indexes, or JSONL files
// and directories hashed with `spec` and read with `ro`'s validation policy)
// into `into`. Returns the keys each path gave (a reference of another schema
// gives none: worth a warning).
std::vector<uint64_t> load_reference_keys(const std::vector<std::string>& paths, const key_spec& spec,
                                          const record_job_options& ro, unsigned threads, key_set& into);
// The same for --near: the band keys of the reference records' texts
// (`key`), or of near indexes of the same parameters.
std::vector<uint64_t> load_reference_bands(const std::vector<std::string>& paths, const near_seen& near,
                                           const std::vector<text_source>& key, const record_job_options& ro, unsigned threads,
                                           key_set& into);
// The same with only the MinHash parameters (a stage's or a pipeline's):
// near indexes must have been written with `params` over the texts at `key`.
std::vector<uint64_t> load_near_references(const std::vector<std::string>& paths, const minhash_params& params,
                                           const std::vector<text_source>& key, const record_job_options& ro, unsigned threads,
                                           key_set& into);
// "jsift: warning: --against 'x': ..." for each reference that gave no key.
std::string empty_reference_warnings(const std::vector<std::string>& paths, const std::vector<uint64_t>& keys);

}  // namespace jsift
