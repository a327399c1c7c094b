// jsift/jobs/split_job.hpp — `jsift split`: assigns every record to one split
// (train/eval...) by a seeded hash of its key, so the assignment is stable
// when data is appended or reordered, and records sharing a key (a
// conversation id) always land together. One pass, no memory beyond the
// chunks; each split's records keep their input order and bytes.
//
// Without --key the hash is of the record's bytes (identical records land
// together); with --key, of the canonical key (record_key.hpp); a record
// whose key paths reach nothing falls back to its bytes.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "jsift/io/output_file.hpp"
#include "jsift/engine/record_job.hpp"
#include "jsift/json/record_key.hpp"

namespace jsift {

struct split_options {
  std::vector<std::pair<std::string, double>> ratios;  // in bucket order; sum to 1
  key_spec key;
  uint64_t seed = 0;
};

// Cut points for bucket shares (bucket i takes hashes below cuts[i]; the last
// takes the rest, so rounding never loses a record), the bucket of a hash,
// and a record's split hash (its key's, else its bytes').
std::vector<uint64_t> split_cuts(const std::vector<std::pair<std::string, double>>& ratios);
size_t split_bucket(const std::vector<uint64_t>& cuts, uint64_t hash);
uint64_t split_hash(key_hasher& kh, const key_spec& key, uint64_t seed, const record_ref& rec);

class split_job final : public record_job {
 public:
  // outs[i] receives the records of ratios[i].
  split_job(const std::vector<input_file>& files, record_job_options ro, split_options o, std::vector<output_file*> outs);
  const std::vector<uint64_t>& split_counts() const { return counts_; }
  const split_options& options() const { return o_; }

 protected:
  std::unique_ptr<record_chunk> make_chunk() const override;
  void on_record(record_chunk& rc, const record_ref& rec) const override;
  void on_commit(record_chunk& rc) override;

 private:
  split_options o_;
  std::vector<uint64_t> cuts_;
  std::vector<output_file*> outs_;
  std::vector<uint64_t> counts_;
};

}  // namespace jsift
