// jsift/jobs/dedup_job.hpp — `jsift dedup`: drops records whose key (record_key.hpp)
// was seen before, keeping the first occurrence in input order, byte-exact.
//
// Workers hash records in parallel; the ordered commit decides with one
// key_set, so the kept set and the output are the same for any -j. Keys also
// come from a persistent index (--index, read then rewritten) and from
// read-only reference sets (--against: indexes or JSONL files, e.g. an eval
// set to decontaminate against). Records whose key paths reach no value
// cannot be compared: they are kept and counted as `keyless`.
//
// Memory: the seen-set, 20-30 bytes per distinct key (30-45 with --dups,
// which remembers where each key was first seen), plus the reference set;
// a memory_budget (--max-memory) turns an over-budget run into exit 4.
#pragma once

#include <memory>
#include <string>
#include <sys/uio.h>
#include <vector>

#include "jsift/io/json_writer.hpp"
#include "jsift/sets/key_set.hpp"
#include "jsift/io/output_file.hpp"
#include "jsift/engine/record_job.hpp"
#include "jsift/json/record_key.hpp"

namespace jsift {

struct dedup_options {
  key_spec key;
  std::string dups_path;  // JSONL, one line per dropped record
  bool count_only = false;
  std::string index_path;
  std::vector<std::string> against;
};

class dedup_job final : public record_job {
 public:
  // `out` is null with count_only. Reads the index if it exists.
  dedup_job(const std::vector<input_file>& files, record_job_options ro, dedup_options o, output_file* out,
            memory_budget& budget);
  ~dedup_job() override;

  // The read-only reference keys (--against), filled before the run.
  key_set& reference() { return reference_; }
  // Commits --dups and rewrites --index; call after a successful run.
  void finish_outputs();
  // The "dedup" section of the report.
  void write_json(json_writer& w) const;
  std::string summary() const;

 protected:
  std::unique_ptr<record_chunk> make_chunk() const override;
  void on_record(record_chunk& rc, const record_ref& rec) const override;
  void on_commit(record_chunk& rc) override;

 private:
  dedup_options o_;
  output_file* out_;
  memory_budget& budget_;
  size_t duplicate_id_;
  key_set seen_;
  key_set reference_;
  std::unique_ptr<output_file> dups_;
  uint64_t duplicates_ = 0, against_hits_ = 0, keyless_ = 0, index_loaded_ = 0;
  std::string dups_buf_;
  std::vector<iovec> pieces_;  // kept runs of the chunk being committed
  std::string ended_;          // its CRLF and unterminated kept lines, each with \n

  void write_dup_line(const hash128& h, uint32_t index, bool against, uint64_t first);
};

// Loads reference keys from indexes or JSONL files (hashed with `spec`,
// read with `ro`'s validation policy) into `into`. Returns the keys read.
uint64_t load_reference_keys(const std::vector<std::string>& paths, const key_spec& spec, const record_job_options& ro,
                             unsigned threads, key_set& into);

}  // namespace jsift
