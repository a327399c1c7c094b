// jsift/io/byte_reader.hpp — sequential byte streams for inputs that cannot be
// memory-mapped: stdin and pipes, and `.zst` / `.gz` content (detected by
// magic bytes, never by name), decompressed as it is read.
//
// A byte_reader is used by one thread at a time. read() returns 0 only at the
// end of the stream; a truncated or corrupt compressed stream throws
// data_error naming the file and the decompressed offset; read errors throw
// std::system_error. EINTR is retried unless an interrupt was requested.
// open_stream() takes ownership of the descriptor.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>
#include <utility>
#include <string>

namespace jsift {

enum class compression { none, zstd, gzip };

// Looks at the first bytes of a stream.
compression detect_compression(const unsigned char* head, size_t n) noexcept;

class byte_reader {
 public:
  virtual ~byte_reader() = default;
  // Reads up to n bytes into buf; 0 means end of stream.
  virtual size_t read(char* buf, size_t n) = 0;
  // Bytes consumed from the underlying file so far (compressed bytes for a
  // compressed stream): what a progress bar measures against the file size.
  virtual uint64_t consumed() const = 0;
  // True when bytes are decoded (and the stream can be truncated mid-way).
  virtual bool compressed() const { return true; }
  // True when the lines are JSON text's values converted (their unit is the element).
  virtual bool json_text() const { return false; }
};

// How the content is laid out: JSONL, or JSON text whose values are the
// records (a top-level array's elements, or with `json` one value).
// `auto_`: JSONL unless the first byte that is not whitespace (after a
// UTF-8 BOM) is '['.
enum class input_format { auto_, jsonl, json };

// Opens a stream over fd (owned; closed on destruction unless it is stdin),
// sniffing the magic bytes and stacking a decompressor when they match, then
// for JSON text a converter to JSONL: each record on one line, the
// whitespace outside strings removed and nothing else changed. A JSON
// stream that breaks off (no closing ']'), or holds something other than
// ',' or ']' between elements, or text after its end, throws data_error.
// `name` is used in messages.
std::unique_ptr<byte_reader> open_stream(int fd, std::string name, input_format format = input_format::auto_);

// The plain bytes [begin, end) of a regular file (end UINT64_MAX: to its
// end), read as they are (a task's part of a file: io/task_part.hpp).
std::unique_ptr<byte_reader> open_range(int fd, std::string name, uint64_t begin, uint64_t end);

// Whether these first bytes of a file start JSON text that `format` reads
// as records (a '[' after whitespace and a BOM for auto_; anything for json).
bool starts_json_text(const unsigned char* head, size_t n, input_format format) noexcept;

// Where a record read from JSON text was in the text: the source line and
// byte column (1-based) of the byte at `column` (1-based) of the
// `element`-th value's minified text (the array's elements, or the one
// value), found by reading the file `path` again from its start (and
// decompressing it). Messages use it for the few lines they name; nullopt
// when the file cannot be read again or no longer holds that element.
struct text_position {
  uint64_t line = 1, column = 1;
};
std::optional<text_position> json_text_position(const std::string& path, uint64_t element, uint64_t column);
// The same for several (element, column) pairs, sorted by element, in one
// reading of the file. Only a regular file is read again (a pipe or FIFO
// named on the command line would lose its bytes): nullopt otherwise.
std::vector<std::optional<text_position>> json_text_positions(const std::string& path,
                                                              const std::vector<std::pair<uint64_t, uint64_t>>& wanted);

}  // namespace jsift
