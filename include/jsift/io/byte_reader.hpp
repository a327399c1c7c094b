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
};

// Opens a stream over fd (owned; closed on destruction unless it is stdin),
// sniffing the magic bytes and stacking a decompressor when they match.
// `name` is used in messages.
std::unique_ptr<byte_reader> open_stream(int fd, std::string name);

}  // namespace jsift
