// jsift/io/output_file.hpp — where output bytes go: stdout, or a named file
// written atomically.
//
// A named file is written to a temporary name in the same directory
// (`.NAME.jsift-tmp-PID-N`) and renamed over NAME by commit(); destroying it
// without commit() (an error, SIGINT, SIGTERM) unlinks the temporary, so a
// final name never holds partial output. "-" means stdout, which is written
// as it comes. Writes go through sys::write_all (EINTR retried, EPIPE ->
// broken_pipe, ENOSPC -> std::system_error). Not thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <sys/uio.h>
#include <vector>

namespace jsift {

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
  // Closes and renames into place (no-op for stdout).
  void commit();
  // Closes the temporary without renaming it yet (shards wait for their
  // final names until the run ends); commit_as() renames it later.
  void close();
  void commit_as(const std::string& final_path);
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::string tmp_;
  int fd_ = -1;
  bool committed_ = false;
};

// Whether a file name (no directory) is one of output_file's temporaries:
// what an interrupted run (SIGKILL) leaves behind.
bool is_temporary_name(std::string_view filename);

// Writes a whole file atomically (reports, manifests).
void write_file_atomic(const std::string& path, std::string_view bytes);

}  // namespace jsift
