#include "jsift/sys.hpp"

#include <cerrno>
#include <cstdio>
#include <system_error>
#include <unistd.h>

#include <fmt/format.h>

#include "jsift/error.hpp"
#include "jsift/interrupt.hpp"

namespace jsift::sys {

op_table& ops() {
  static op_table table{::write, ::rename};
  return table;
}

void write_all(int fd, const char* data, size_t n, std::string_view what) {
  while (n > 0) {
    ssize_t w = ops().write(fd, data, n);
    if (w < 0) {
      if (errno == EINTR) {
        interrupt::check();
        continue;
      }
      if (errno == EPIPE) throw broken_pipe();
      throw std::system_error(errno, std::generic_category(), fmt::format("cannot write {}", what));
    }
    data += w;
    n -= size_t(w);
  }
}

}  // namespace jsift::sys
