#include "terminal.hpp"

#include <unistd.h>

namespace jsift::cli {

bool is_terminal(int fd) { return ::isatty(fd) == 1; }

bool progress_enabled(progress_mode m) {
  switch (m) {
    case progress_mode::always: return true;
    case progress_mode::never: return false;
    case progress_mode::auto_: return is_terminal(2);
  }
  return false;
}

void print_err(std::string_view text) {
  while (!text.empty()) {
    ssize_t w = ::write(2, text.data(), text.size());
    if (w <= 0) return;  // nothing sensible to do if stderr is gone
    text.remove_prefix(size_t(w));
  }
}

}  // namespace jsift::cli
