// jsift/io/sys.hpp — the thin seam over the system calls that write data.
//
// Every write of output (records, reports, quarantine) goes through
// sys::ops(), so tests can inject EINTR, ENOSPC and EPIPE the way fmt's
// posix mock does. The default table calls the real functions. Swapping the
// table is not thread-safe: do it before any job starts.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <sys/uio.h>
#include <vector>

namespace jsift::sys {

struct op_table {
  ssize_t (*write)(int fd, const void* buf, size_t n);
  ssize_t (*writev)(int fd, const struct iovec* iov, int count);
  int (*rename)(const char* from, const char* to);
};

// The table in force. Tests replace it with scoped_ops.
op_table& ops();

// Writes all of [data, data+n) to fd, retrying on EINTR and short writes.
// Throws broken_pipe on EPIPE, interrupted if a signal asked us to stop, and
// std::system_error (naming `what`) on any other failure such as ENOSPC.
void write_all(int fd, const char* data, size_t n, std::string_view what);

// Writes every piece, in order, with as few writev() calls as IOV_MAX allows;
// same error handling as write_all. `pieces` is consumed (adjusted in place).
void write_all_v(int fd, std::vector<iovec>& pieces, std::string_view what);

// The whole of a (small) file: configs, partials. std::system_error naming
// the path when it cannot be opened or read.
std::string read_file(const std::string& path);

// Replaces the op table for the lifetime of the object (tests only).
class scoped_ops {
 public:
  explicit scoped_ops(const op_table& t) : saved_(ops()) { ops() = t; }
  ~scoped_ops() { ops() = saved_; }
  scoped_ops(const scoped_ops&) = delete;
  scoped_ops& operator=(const scoped_ops&) = delete;

 private:
  op_table saved_;
};

}  // namespace jsift::sys
