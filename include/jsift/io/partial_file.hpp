// jsift/io/partial_file.hpp — the file a task writes with --partial FILE and
// `jsift merge` reads: one task's counts, histograms and sets, to be merged
// with its sibling tasks' into the result of one run over the whole input.
//
// Layout: the magic "JSIFTPRT", the format version (u32), then the body:
// little-endian u64 integers, strings and byte blocks prefixed by their
// length; last, the XXH3-64 of everything before it (u64). A file that is
// truncated, altered, of another version or not a partial at all is refused
// with a data_error naming it, before anything of it is used.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "jsift/io/input_list.hpp"

namespace jsift {

class partial_writer {
 public:
  partial_writer();
  void u64(uint64_t v);
  void str(std::string_view s);
  void bytes(const void* p, size_t n);
  // The whole file: body and checksum.
  std::string finish();

 private:
  std::string buf_;
};

class partial_reader {
 public:
  // Verifies the magic, the version and the checksum of `data` (read from `name`).
  partial_reader(std::string data, std::string name);
  uint64_t u64();
  std::string str();
  void bytes(void* p, size_t n);
  // Throws unless every byte of the body was read.
  void end() const;
  // Bytes of the body not read yet (to bound a count before making room for it).
  size_t remaining() const { return end_ - pos_; }
  const std::string& name() const { return name_; }
  // A data_error naming the file: "FILE: not a jsift partial: what".
  [[noreturn]] void fail(std::string_view what) const;

  static constexpr uint32_t version = 2;  // 2: diversity partials carry lines per file and near-duplicate texts
  // Reads and verifies the file at `path` (std::system_error when it cannot be read).
  static partial_reader open(const std::string& path);

 private:
  std::string data_, name_;
  size_t pos_ = 0, end_ = 0;
};

// What every command's partial holds alike: which task of how many (the
// reader refuses a task outside 0..N-1), and the entries of input
// directories that were not read.
void write_task_of(partial_writer& w, uint64_t tasks, uint64_t task);
std::pair<uint64_t, uint64_t> read_task_of(partial_reader& r);  // (tasks, task)
void write_skipped(partial_writer& w, const std::vector<skipped_input>& skipped);
std::vector<skipped_input> read_skipped(partial_reader& r);

}  // namespace jsift
