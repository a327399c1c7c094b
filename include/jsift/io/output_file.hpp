// jsift/io/output_file.hpp — where output bytes go: stdout, a descriptor, a
// device, or a named file written atomically.
//
// Links are followed first (resolve_output): a name that is, or links to,
// /dev/stdin|stdout|stderr, /dev/fd/N or /proc/self/fd/N writes to that open
// descriptor; a device or FIFO is written in place; a regular file (existing
// or not) is written to a temporary name in its real directory
// (`.NAME.jsift-tmp-PID-N`) and renamed over its real path by commit(), so a
// link to it stays a link. Destroying an output_file without commit() (an
// error, SIGINT, SIGTERM) unlinks the temporary: a final name never holds
// partial output. "-" means stdout. Writes go through sys::write_all (EINTR
// retried, EPIPE -> broken_pipe, ENOSPC -> std::system_error).
// Not thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <sys/uio.h>
#include <utility>
#include <vector>

namespace jsift {

// Where writing to a name leads, once links are followed.
struct output_target {
  enum class kind { descriptor, device, file } what = kind::file;
  int fd = -1;       // descriptor: the open descriptor to write to
  std::string path;  // device or file: the path at the end of the links
};
// Throws std::system_error for a link loop, a directory, or an lstat error.
output_target resolve_output(const std::string& path);

// What tells two outputs apart: "dev:ino" of the file a name leads to when it
// exists (through links and hard links), its resolved path when it will be
// created; "" for a character device or a terminal, which may be shared.
std::string output_identity(const std::string& path);

// Refuses (usage_error, exit 2) two outputs of one run that name the same
// file; `outputs` are (option, path) pairs, "" paths are ignored.
void check_distinct_outputs(const std::vector<std::pair<std::string, std::string>>& outputs);

// Throws std::system_error(ENOSPC) naming `path` when `bytes` will not fit in
// the free space of the file system a regular-file output goes to (devices,
// descriptors and unknown file systems pass): a planned output too large is
// refused before anything is written.
void check_room_for(const std::string& path, uint64_t bytes);

class output_file {
 public:
  explicit output_file(std::string path);  // throws std::system_error
  ~output_file();
  output_file(const output_file&) = delete;
  output_file& operator=(const output_file&) = delete;

  void write(std::string_view bytes);
  // Writes the pieces in order (one writev per 1024): scattered kept records
  // leave without first being copied together.
  void write_pieces(std::vector<iovec>& pieces);
  // Closes and renames into place (no-op for stdout and descriptors).
  void commit();
  // Closes the temporary without renaming it yet (shards wait for their
  // final names until the run ends); commit_as() renames it later.
  void close();
  void commit_as(const std::string& final_path);
  // The name as given (messages).
  const std::string& path() const { return path_; }
  // Where the bytes are until commit(): the temporary of a regular file, or
  // "" (stdout, a descriptor, a device). Readable once close()d.
  const std::string& temporary_path() const { return tmp_; }

 private:
  std::string what() const;
  std::string path_;    // as given
  std::string target_;  // the regular file it is renamed onto
  std::string tmp_;
  int fd_ = -1;
  bool owned_ = false;  // fd_ is ours to close (not stdout or a borrowed descriptor)
  bool committed_ = false;
};

// Whether a file name (no directory) is one of output_file's temporaries:
// what an interrupted run (SIGKILL) leaves behind.
bool is_temporary_name(std::string_view filename);
// Whether such a temporary belongs to a process that still runs (its name
// holds the writer's PID): only others may be cleaned up.
bool temporary_in_use(std::string_view filename);

// Writes a whole file atomically (reports, manifests).
void write_file_atomic(const std::string& path, std::string_view bytes);

}  // namespace jsift
