// jsift/stages/first_seen.hpp — the dedup decision, shared by `jsift dedup`
// and `jsift run`'s [dedup] table: a record is kept when its key (record_key.hpp)
// was not seen earlier in the input, nor in a persistent index of earlier
// runs (--index, read at construction, rewritten by finish()), and is not in
// a read-only reference set (--against: an eval set to decontaminate
// against). A record whose key paths reach nothing cannot be compared: it is
// kept and counted as keyless.
//
// Keys are hashed on the workers; decide() runs on the committing thread in
// input order, so every key meets its earlier occurrences first and the
// decisions never depend on -j. With a --dups file, each dropped record gets
// one JSONL line: its file and line, its key and the occurrence it repeats.
//
// Memory: 20-30 bytes per distinct key (30-45 with --dups, which remembers
// where each key was first seen), charged to the caller's memory_budget.
// Lifetimes: `files`, `budget` and `reference` must outlive the object.
// Not thread-safe: one committing thread.
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

namespace jsift {

struct first_seen_options {
  key_spec key;
  std::string index_path;  // "" : none
  std::string dups_path;   // "" : none
};

class first_seen {
 public:
  enum class verdict { kept, duplicate, against, keyless };

  // Reads the index if it exists (data_error if it is not a matching index).
  first_seen(first_seen_options o, const std::vector<input_file>& files, memory_budget& budget,
             const key_set* reference = nullptr);
  ~first_seen();
  first_seen(const first_seen&) = delete;
  first_seen& operator=(const first_seen&) = delete;

  const first_seen_options& options() const { return o_; }
  // Starts loading the slot of a key that decide() will see soon.
  void prefetch(const hash128& h) const { seen_.prefetch(h); }
  // The verdict on the record at `file`:`line` (1-based) with key h.
  verdict decide(const hash128& h, bool keyless, uint32_t file, uint64_t line);
  // Sizes the set for about `records` more keys (record_job::expected_records),
  // within 256 MiB and the budget, so it does not rehash as it fills. Call
  // from the first commit: the sizing then never depends on -j.
  void reserve(uint64_t records);
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
  key_set seen_;
  std::unique_ptr<output_file> dups_;
  std::string dups_buf_;
  uint64_t duplicates_ = 0, against_hits_ = 0, keyless_ = 0, index_loaded_ = 0;
};

}  // namespace jsift
