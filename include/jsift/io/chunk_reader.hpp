// jsift/io/chunk_reader.hpp — the source and chunker stages: turns an ordered
// list of input files into a sequence of chunks of whole lines.
//
// Regular uncompressed files are memory-mapped (zero copy); stdin, pipes and
// compressed files are read through a byte_reader into pooled buffers. Every
// chunk's bytes are followed by at least SIMDJSON_PADDING readable bytes, so
// lines can be parsed in place (the file mapping sits on an anonymous
// reservation one padding longer than the file).
//
// A chunk holds complete lines (the last one may lack '\n' only at the end of
// its file) and knows its file and byte offset. Line numbers are assigned in
// order at commit time (the pipeline counts them), so the reader never scans
// mapped data serially. A line
// longer than both the chunk size and max_line_bytes is delivered alone as an
// `oversized` chunk carrying at most max_line_bytes of it, without buffering
// the rest, so memory stays O(chunk size + max_line_bytes).
//
// Not thread-safe: one thread calls next(). The chunks it returns are
// immutable and may be read from any thread; their memory lives as long as
// the chunk (shared keep_alive).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "jsift/io/byte_reader.hpp"
#include "jsift/io/input_list.hpp"

namespace jsift {

struct chunk {
  uint64_t seq = 0;         // 0, 1, 2... across all files
  uint32_t file_index = 0;  // into chunk_reader::files()
  uint64_t offset = 0;      // byte offset of data[0] in its (decompressed) file
  std::string_view data;    // whole lines; padded (see above)
  bool file_start = false;  // data starts at offset 0 (a BOM may be there)
  bool file_end = false;    // no more data of this file follows
  uint64_t oversized = 0;   // >0: one line of this many bytes (excluding '\n')
                            // longer than max_line_bytes; data is the line
                            // and its '\n' (mapped files) or its first
                            // max_line_bytes (streams)
  bool oversized_newline = false;  // the oversized line ended with '\n' (not EOF)
  bool json_text = false;   // the lines are a JSON text's values (byte_reader.hpp)
  std::shared_ptr<const void> keep_alive;
};

struct chunk_options {
  size_t chunk_bytes = size_t(4) << 20;
  size_t max_line_bytes = size_t(64) << 20;
  // Map regular files instead of reading them with read(2). Off by default:
  // on the machines measured, the page faults of a mapping (and the TLB
  // flushes of handing its pages back) cost more than read(2)'s copy into a
  // recycled, cache-warm buffer: 1.2-1.7x slower (README, "Performance").
  bool use_mmap = false;
  // JSONL, or JSON text (a top-level array) converted to JSONL as it is read
  // (byte_reader.hpp); such files are never mapped.
  input_format format = input_format::auto_;
};

class chunk_reader {
 public:
  chunk_reader(std::vector<input_file> files, chunk_options opts);
  ~chunk_reader();
  chunk_reader(const chunk_reader&) = delete;
  chunk_reader& operator=(const chunk_reader&) = delete;

  // Fills `out` with the next chunk; false once every input is exhausted.
  // Throws std::system_error (cannot open/read) or data_error (corrupt
  // compressed input).
  bool next(chunk& out);

  const std::vector<input_file>& files() const { return files_; }
  // Sum of the sizes of the inputs when all are regular files, else 0.
  uint64_t total_bytes() const { return total_bytes_; }
  // Input bytes consumed so far (compressed bytes for compressed files).
  uint64_t consumed_bytes() const;

 private:
  struct state;
  std::vector<input_file> files_;
  chunk_options opts_;
  uint64_t total_bytes_ = 0;
  std::unique_ptr<state> st_;
};

}  // namespace jsift
