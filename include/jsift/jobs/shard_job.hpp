// jsift/jobs/shard_job.hpp — `jsift shard`: validated records into zstd (or
// plain) JSONL shards named the HuggingFace way, a dataset card and a
// manifest, atomically.
//
// Every record is fully validated (record_job). Workers compress their
// chunk's records into one independent zstd frame each, in parallel on the
// engine's pool; the ordered commit appends frames to the current shard and
// rotates at --max-records / --max-bytes (uncompressed bytes), recompressing
// only the chunk a rotation cuts. A shard is a concatenation of frames, which
// `zstd -dc` and Python's zstandard read as one stream. Frame boundaries
// depend on the chunking, never on -j, so the bytes are identical for any -j.
//
// A directory holds one or several splits under one manifest and one card
// (jobs/hub_manifest.hpp). Writing split S adds it, or with force replaces
// it; other splits and their files are never touched, and files jsift did not
// write need force too.
//
// Atomicity: shards are temporary files until the run ends; finish() drops
// S from the manifest, removes S's old shards, renames the new ones to
// S-00000-of-000NN.jsonl.zst (the total is known only then), writes
// README.md, and manifest.json last. An error, SIGINT or SIGTERM before that
// removes the temporaries and leaves the old set as it was; SIGKILL leaves
// hidden temporaries the manifest does not list, which `jsift verify` names.
//
// Thread model as record_job's: compression runs on the workers, shard files
// and checksums only on the committing thread. The options are copied in;
// the input list must outlive the job.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "jsift/io/json_writer.hpp"
#include "jsift/io/output_file.hpp"
#include "jsift/io/write_behind.hpp"
#include "jsift/jobs/hub_manifest.hpp"
#include "jsift/json/path.hpp"
#include "jsift/engine/record_job.hpp"
#include "jsift/sets/string_counter.hpp"

namespace jsift {

enum class shard_compression { zstd, none };
struct split_entry;

struct shard_options {
  std::string dir;
  std::string split = "train";
  std::optional<uint64_t> max_records;  // none: no limit
  std::optional<uint64_t> max_bytes;    // uncompressed; none: no limit
  int level = 3;
  shard_compression compression = shard_compression::zstd;
  bool compressed() const { return compression == shard_compression::zstd; }
  std::optional<path> by;  // per-shard counts by this field
  bool force = false;
  std::vector<std::string> command;  // argv, for the manifest
  std::optional<std::pair<uint64_t, uint64_t>> task;  // a task's part (--task I --tasks N): said in the manifest, for the join
  std::string run;  // with task: what every task of the run shares (run_fingerprint), checked by the join
  // The one check of these settings, for flags and config files alike
  // (option_error): a split name that can name files, a zstd level 1-19,
  // limits above 0 (a limit left out is no limit).
  void validate() const;
  // The inputs of the whole run and the options that shape the shards, for a task's manifest.
  std::string run_fingerprint(const std::vector<input_file>& all_inputs) const;
};

class shard_job final : public record_job {
 public:
  // Validates the options, checks and prepares the directory (refuses a
  // non-empty one without force).
  shard_job(const std::vector<input_file>& files, record_job_options ro, shard_options o);
  ~shard_job() override;
  std::string summary() const;
  const shard_options& options() const { return o_; }

 protected:
  std::unique_ptr<record_chunk> make_chunk() const override;
  void on_record(record_chunk& rc, const record_ref& rec) const override;
  void on_chunk_end(record_chunk& rc, const chunk& c) const override;
  void on_commit(record_chunk& rc) override;
  bool emits_records() const override { return true; }
  // Closes the last shard and renames every shard into place.
  void drain_outputs() override { writer_.drain(); }
  void finish_records() override;
  // README.md, then manifest.json.
  void finish_outputs() override;

 private:
  struct shard;
  struct input_hash;
  void open_shard();
  void close_shard(shard& s);
  void append(std::string_view raw, std::string_view frame, std::shared_ptr<const void> keep, uint64_t records,
              const std::vector<uint32_t>& groups, const std::vector<std::string>& group_names);
  std::string shard_name(size_t index, size_t total) const;
  split_entry entry() const;  // this split's manifest entry

  shard_options o_;
  hub_manifest existing_;  // the directory's manifest (other splits kept as they are)
  std::vector<std::unique_ptr<shard>> shards_;
  std::vector<std::unique_ptr<input_hash>> inputs_;
  std::string scratch_;
  // Shards' writes and checksums, and the inputs' checksums, in order, off
  // the committing thread. Last: destroyed (joined) first.
  write_behind writer_;
};

// Across tasks (shard --tasks N --task I, each task with its own -o
// directory; jsift cluster runs them): moves every task's shards, in task
// order, into `dir` under global names SPLIT-xxxxx-of-NNNNN (the same
// split in every task, a usage_error otherwise) and writes one manifest
// entry and card for them, as one run would: the same refusals without
// `force`, the same order of renames (the manifest last). The entry sums
// the tasks' dispositions and inputs (an input divided between tasks has
// no whole-file checksum: its xxh3_64 is null). `command` is written as the
// entry's. The shards are hard links to the tasks' files (copies across
// file systems), so the task directories stay as they were and a rerun can
// join them again. `split`: the one to join where the tasks wrote several
// ("": their only one). Returns the bytes of the shards.
uint64_t join_shard_tasks(const std::vector<std::string>& task_dirs, const std::string& dir, bool force,
                          const std::vector<std::string>& command, const std::string& split = "");

// What join_shard_tasks() would refuse about `dir`, before the tasks run.
void check_shard_dir(const std::string& dir, const std::string& split, bool force);

}  // namespace jsift
