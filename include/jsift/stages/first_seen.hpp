// jsift/stages/first_seen.hpp — the dedup decision, shared by `jsift dedup`
// and `jsift run`'s [dedup] table: a record is kept when its key (record_key.hpp)
// was not seen earlier in the input, nor in a persistent index of earlier
// runs (--index, read at construction, rewritten by finish()), and is not in
// a read-only reference set (--against: an eval set to decontaminate
// against). A record whose key paths reach nothing cannot be compared: it is
// kept and counted as keyless.
//
// Keys are hashed and decided on the workers: each chunk's keys go, when the
// chunk ends, into a seen-set partitioned by hash bits whose partitions
// apply chunks in input order (sets/ordered_key_set.hpp), so every key meets
// its earlier occurrences first, partitions work in parallel, and the
// decisions never depend on -j. The committing thread only takes the
// verdicts in order, counts them and writes the --dups lines: each dropped
// record gets one JSONL line with its file and line, its key and the
// occurrence it repeats.
//
// Memory: 20-30 bytes per distinct key (30-45 with --dups, which remembers
// where each key was first seen, plus 8 bytes per chunk for where chunks
// start), charged to the caller's memory_budget. Lifetimes: `files`,
// `budget` and `reference` must outlive the object.
// Thread-safety: resolve() runs on workers, at once; everything else on
// the committing thread (or before the pass).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "jsift/io/input_list.hpp"
#include "jsift/io/json_writer.hpp"
#include "jsift/io/output_file.hpp"
#include "jsift/json/record_key.hpp"
#include "jsift/sets/key_set.hpp"
#include "jsift/sets/ordered_key_set.hpp"

namespace jsift {

struct first_seen_options {
  key_spec key;
  std::string index_path;  // "" : none
  std::string dups_path;   // "" : none
};

class first_seen {
 public:
  enum class verdict : uint8_t { kept, duplicate, against, keyless };

  // One chunk's keys: collected on its worker in line order (add()),
  // decided there when the chunk ends (resolve()), taken in order at commit.
  class chunk_keys {
   public:
    void add(const hash128& h, bool keyless, uint32_t index) {
      h_.push_back(h);
      index_.push_back(index);
      keyless_.push_back(keyless);
    }
    size_t size() const { return h_.size(); }

   private:
    friend class first_seen;
    std::vector<hash128> h_;
    std::vector<uint32_t> index_;  // line index in the chunk
    std::vector<uint8_t> keyless_;
    std::vector<verdict> v_;     // by resolve(): keyless, against, or kept for keys that went in
    std::vector<uint32_t> at_;   // their place in batch_
    ordered_key_set::batch batch_;
  };

  // Reads the index if it exists (data_error if it is not a matching index).
  first_seen(first_seen_options o, const std::vector<input_file>& files, memory_budget& budget,
             const key_set* reference = nullptr);
  ~first_seen();
  first_seen(const first_seen&) = delete;
  first_seen& operator=(const first_seen&) = delete;

  const first_seen_options& options() const { return o_; }
  // On the worker when chunk `seq` ends: decides its keys. Every chunk of
  // the pass is resolved once, in any order, at once (the sequence numbers
  // 0, 1, 2... of the chunk reader). Chunk 0 also sizes the set for about
  // `expected_records` more keys (record_job::expected_records), within
  // 256 MiB and the budget, so it does not rehash as it fills, and before
  // any key goes in, so the sizing never depends on -j.
  void resolve(uint64_t seq, chunk_keys& keys, uint64_t expected_records = 0);
  // At commit, in order: chunk `seq`'s first line is line `first_line`
  // (1-based) of input `file`; then take() each of its keys, in order.
  void begin_chunk(uint64_t seq, uint32_t file, uint64_t first_line);
  verdict take(const chunk_keys& keys, size_t i);
  // One record as a chunk of its own (resolve, begin_chunk and take): for
  // callers that decide one key at a time.
  verdict decide(const hash128& h, bool keyless, uint32_t file, uint64_t line);
  // Writes the --dups lines gathered since the last flush (once per chunk).
  void flush();
  // Commits --dups and rewrites --index; call once after a successful run.
  void finish();

  uint64_t duplicates() const { return duplicates_; }
  uint64_t against_hits() const { return against_hits_; }
  uint64_t keyless() const { return keyless_; }
  uint64_t distinct() const { return seen_.size() - index_loaded_; }
  uint64_t index_loaded() const { return index_loaded_; }
  uint64_t reference_keys() const { return reference_ ? reference_->size() : 0; }
  size_t memory_bytes() const { return seen_.memory_bytes() + (reference_ ? reference_->memory_bytes() : 0); }

  // The "dedup" section of a report, and the summary line (`command`: "dedup").
  void write_json(json_writer& w) const;
  std::string summary(std::string_view command) const;

 private:
  void write_dup_line(const hash128& h, uint32_t file, uint64_t line, bool against, uint64_t first);
  first_seen_options o_;
  const std::vector<input_file>& files_;
  const key_set* reference_;
  ordered_key_set seen_;
  memory_budget& budget_;
  std::vector<uint64_t> chunk_start_;  // with --dups: per chunk, its file and first line
  uint32_t cur_file_ = 0;
  uint64_t cur_first_line_ = 0;
  uint64_t own_seq_ = 0;  // decide()'s chunks
  std::unique_ptr<output_file> dups_;
  std::string dups_buf_;
  uint64_t duplicates_ = 0, against_hits_ = 0, keyless_ = 0, index_loaded_ = 0;
};

}  // namespace jsift
