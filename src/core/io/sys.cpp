#include "jsift/io/sys.hpp"

#include <cerrno>
#include <algorithm>
#include <cstdio>
#include <fcntl.h>
#include <system_error>
#include <unistd.h>

#include <fmt/format.h>

#include "jsift/error.hpp"
#include "jsift/io/interrupt.hpp"

namespace jsift::sys {

op_table& ops() {
  static op_table table{::write, ::writev, ::rename};
  return table;
}

namespace {
// After a failed write: returns to retry (EINTR, unless asked to stop);
// otherwise throws what the failure means.
void on_write_error(std::string_view what) {
  if (errno == EINTR) {
    interrupt::check();
    return;
  }
  if (errno == EPIPE) throw broken_pipe();
  throw std::system_error(errno, std::generic_category(), fmt::format("cannot write {}", what));
}
}  // namespace

std::string read_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), fmt::format("cannot open '{}'", path));
  std::string data;
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      const int e = errno;
      ::close(fd);
      throw std::system_error(e, std::generic_category(), fmt::format("cannot read '{}'", path));
    }
    data.append(buf, size_t(n));
  }
  ::close(fd);
  return data;
}

void write_all(int fd, const char* data, size_t n, std::string_view what) {
  while (n > 0) {
    // A signal during a blocking write to a pipe ends it early with the bytes
    // written so far (not EINTR): look at the flag before writing the rest.
    interrupt::check();
    ssize_t w = ops().write(fd, data, n);
    if (w < 0) {
      on_write_error(what);
      continue;
    }
    data += w;
    n -= size_t(w);
  }
}

void write_all_v(int fd, std::vector<iovec>& pieces, std::string_view what) {
  constexpr size_t batch = 1024;  // IOV_MAX on Linux
  size_t first = 0;
  while (first < pieces.size()) {
    if (pieces[first].iov_len == 0) {
      ++first;
      continue;
    }
    interrupt::check();  // as in write_all: a partial write may be a signal's
    int count = int(std::min(batch, pieces.size() - first));
    ssize_t w = ops().writev(fd, pieces.data() + first, count);
    if (w < 0) {
      on_write_error(what);
      continue;
    }
    // Skip what was written; a short write leaves a partial piece in front.
    size_t left = size_t(w);
    while (left > 0 && first < pieces.size()) {
      iovec& v = pieces[first];
      size_t take = std::min(left, v.iov_len);
      v.iov_base = static_cast<char*>(v.iov_base) + take;
      v.iov_len -= take;
      left -= take;
      if (v.iov_len == 0) ++first;
    }
  }
}

}  // namespace jsift::sys
