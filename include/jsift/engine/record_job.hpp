// jsift/engine/record_job.hpp — the per-record stage every command shares: splits
// a chunk into lines, strips a BOM and CRLF endings, counts blank lines,
// fully validates each line (record_parser) and hands valid records to the
// job; then, in order, numbers lines, applies --on-invalid and counts
// dispositions.
//
// Thread model: on_record() runs on worker threads with a chunk-private
// record_chunk (the job's own state must be read-only there); on_commit()
// runs in input order on the committing thread. One record_parser per worker
// thread, kept thread-locally and sized by --max-line-bytes.
//
// Lifetimes: the input list given to the constructor must outlive the job;
// a record_ref (and its DOM) is valid only during the on_record() call.
//
// Every line gets exactly one disposition: blank, invalid:<reason>, or what
// on_record() chose (keep() -> kept, drop(id) -> e.g. filtered:--turns).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "jsift/engine/dispositions.hpp"
#include "jsift/io/output_file.hpp"
#include "jsift/engine/ordered_commit.hpp"
#include "jsift/engine/record_parser.hpp"

namespace jsift {

class partial_writer;
class partial_reader;

enum class on_invalid { fail, skip, quarantine };

struct invalid_policy {
  on_invalid action = on_invalid::fail;
  std::string quarantine_path;  // for on_invalid::quarantine
  // The quarantine's sidecar, QUARANTINE.errors.jsonl: one line per
  // quarantined line, in order: {"file","line","column","reason","message"}
  // ("" when the quarantine goes to a device or a descriptor).
  std::string reasons_path() const;
  // Parses "fail", "skip" or "quarantine:FILE"; throws usage_error.
  static invalid_policy parse(std::string_view text);
};

// Counts about lines rather than records.
struct line_tally {
  uint64_t lines = 0;             // every line, blank and invalid included
  uint64_t bytes = 0;             // input bytes, line endings and BOM included
  uint64_t crlf = 0;              // lines that ended in \r\n
  uint64_t bom = 0;               // files that started with a UTF-8 BOM
  uint64_t no_final_newline = 0;  // files whose last line had no \n
  void merge(const line_tally& o);
};

struct invalid_line {
  uint32_t file_index = 0;
  uint64_t line = 0;  // 1-based, set at commit
  uint64_t offset = 0;  // the line's byte offset in its (decompressed) file
  size_t column = 1;  // 1-based byte column
  invalid_reason reason = invalid_reason::json_syntax;
  std::string message;
  std::string raw;  // the line as read (for quarantine), without its ending
  uint32_t index = 0;  // line index within its chunk
  size_t out_pos = 0;  // size of the chunk's output when the line was met
  // From JSON text: `line` is the element's number and `column` a byte of
  // its minified text; messages give the place in the file (source_line:
  // source_column, 0 when the file cannot be read again).
  bool element = false;
  uint64_t source_line = 0, source_column = 0;
};

struct record_ref {
  std::string_view line;  // the record's bytes, without line ending or BOM
  simdjson::dom::element root;
  const simdjson::dom::document* doc;  // root's document: valid during on_record() only, like root
  uint32_t index;   // line index within the chunk
  uint32_t file;    // index of its input file
  uint64_t offset;  // byte offset of the line in its (decompressed) file
  bool lf;          // `line` is followed by \n in the chunk: line + \n are the input's bytes
};

// A chunk's results. Jobs derive from it to add their own partials.
struct record_chunk : chunk_job::result {
  std::string out;  // bytes to emit, in order
  disposition_counts counts;
  line_tally tally;
  std::vector<invalid_line> invalid;
  // Set before on_commit: lines from this index on must not be emitted
  // (under --on-invalid fail, the first bad line's; rc.out is cut there too).
  uint32_t emit_end = UINT32_MAX;

  void keep(std::string_view line) {
    out.append(line);
    out.push_back('\n');
    counts.add(disposition_names::kept);
  }
  void drop(size_t disposition) { counts.add(disposition); }
};

struct record_job_options {
  size_t max_line_bytes = size_t(64) << 20;
  invalid_policy invalid;
  size_t keep_invalid = 10;  // how many invalid lines to keep for reports
  // For passes that only look before the pass that writes (a selection's
  // surveys): invalid lines are quarantined once, by the last pass, so a
  // survey skips them; under `fail` the first pass already stops.
  record_job_options for_survey() const;
};

class record_job : public chunk_job {
 public:
  record_job(const std::vector<input_file>& files, record_job_options opts);
  ~record_job() override;

  std::unique_ptr<result> process(const chunk& c) final;
  void commit(const chunk& c, result& r) final;
  // Commits the job's outputs, in this order, after a successful pass: its
  // records (finish_records: an output file renamed into place, shards), the
  // quarantine file, then its other outputs (finish_outputs: --dups, --index,
  // a card and, last, a manifest). Call once; a job that fails or is
  // interrupted is destroyed without it and leaves no final name behind.
  void finish();

  disposition_names& names() { return names_; }
  const disposition_names& names() const { return names_; }
  const disposition_counts& counts() const { return counts_; }
  const line_tally& tally() const { return tally_; }
  // What a "line" of the tally is: "line" (JSONL), "element" (every input
  // was JSON text: its values are the records) or "line+element" (both).
  std::string_view unit() const { return saw_elements_ ? (saw_lines_ ? "line+element" : "element") : "line"; }
  uint64_t invalid_total() const { return invalid_total_; }
  // The first keep_invalid invalid lines, with their line numbers.
  const std::vector<invalid_line>& first_invalid() const { return first_invalid_; }
  // "FILE:LINE:COL: message" ("FILE:LINE:COL: element N: message" for JSON
  // text; "FILE@BYTE:COL: message" in a task's part of the inputs, where
  // BYTE is the line's offset: io/task_part.hpp)
  std::string locate(const invalid_line& l) const;
  // Places are byte offsets, not line numbers: the inputs are a task's part.
  bool places_by_offset() const { return by_offset_; }
  // Partial files (io/partial_file.hpp): what the pass counted (lines,
  // dispositions, the first invalid lines, by file name); read_summary()
  // adds a task's, in task order, to a job that ran no pass itself (the
  // merge of the tasks of one run), whose places are then byte offsets.
  void write_summary(partial_writer& w) const;
  void read_summary(partial_reader& r);
  const std::vector<input_file>& files() const { return files_; }

 protected:
  virtual std::unique_ptr<record_chunk> make_chunk() const { return std::make_unique<record_chunk>(); }
  // Jobs that copy records to their output say so: the chunk's output buffer
  // is then sized once to the chunk (no regrowth on the hot path).
  virtual bool emits_records() const { return false; }
  virtual void on_record(record_chunk& rc, const record_ref& rec) const = 0;
  // After the chunk's last record, still on the worker (e.g. compress it);
  // called for every chunk, one without records too.
  virtual void on_chunk_end(record_chunk&, const chunk&) const {}
  // About how many records the whole input holds, from a processed chunk's
  // lines per byte and the inputs' sizes on disk (compressed files count
  // their compressed bytes: an underestimate; stdin counts nothing): to
  // size sets up front. Thread-safe.
  uint64_t expected_records(const record_chunk& rc, const chunk& c) const;
  // Under --on-invalid fail, after the on_commit() of the chunk holding the
  // first bad line and before the run stops: outputs written behind
  // (io/write_behind.hpp) finish writing what was committed.
  virtual void drain_outputs() {}
  // The two halves of finish().
  virtual void finish_records() {}
  virtual void finish_outputs() {}
  // Emits or merges a committed chunk's results (in order). It may move
  // records between dispositions in rc.counts: they are merged after it.
  virtual void on_commit(record_chunk& rc) = 0;
  // During on_commit: the file and 1-based line number of a line of the chunk.
  uint32_t commit_file() const { return cur_file_; }
  // During on_commit: the chunk being committed (its raw bytes).
  const chunk& commit_chunk() const { return *cur_chunk_; }
  uint64_t commit_line(uint32_t index) const { return line_base_ + index + 1; }
  // During on_commit: the name of the chunk's file, for messages.
  std::string commit_file_name() const { return files_[cur_file_].name(); }

 private:
  const std::vector<input_file>& files_;
  uint64_t input_bytes_;  // on disk, regular files only
  record_job_options opts_;
  disposition_names names_;
  disposition_counts counts_;
  line_tally tally_;
  bool saw_lines_ = false, saw_elements_ = false;  // chunks of JSONL, of JSON text
  bool by_offset_ = false;
  uint64_t invalid_total_ = 0;
  std::vector<invalid_line> first_invalid_;
  std::unique_ptr<output_file> quarantine_;
  std::unique_ptr<output_file> quarantine_why_;  // the sidecar
  uint32_t cur_file_ = UINT32_MAX;
  const chunk* cur_chunk_ = nullptr;
  uint64_t line_base_ = 0;
  void find_sources(std::vector<invalid_line>& lines) const;
};

}  // namespace jsift
