#include "jsift/io/task_part.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

#include <fmt/format.h>

#include "jsift/error.hpp"

namespace jsift {

namespace {

struct fd_guard {
  int fd;
  ~fd_guard() { ::close(fd); }
};

size_t pread_some(int fd, unsigned char* buf, size_t n, uint64_t at, const std::string& name) {
  for (;;) {
    ssize_t r = ::pread(fd, buf, n, off_t(at));
    if (r >= 0) return size_t(r);
    if (errno != EINTR) throw std::system_error(errno, std::generic_category(), fmt::format("cannot read '{}'", name));
  }
}

struct sized_file {
  uint64_t size = 0;
  bool whole = false;  // read as one unit: compressed, JSON text or empty
};

sized_file look_at(const input_file& f, input_format format) {
  if (f.path == "-") throw usage_error("--tasks divides files by their bytes on disk: stdin cannot be divided (write it to a file)");
  struct stat sb;  // before opening: opening a FIFO waits for a writer
  if (::stat(f.path.c_str(), &sb) != 0) throw std::system_error(errno, std::generic_category(), fmt::format("cannot open '{}'", f.path));
  if (!S_ISREG(sb.st_mode))
    throw usage_error(fmt::format("--tasks divides files by their bytes on disk: '{}' is not a regular file", f.name()));
  const int fd = ::open(f.path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), fmt::format("cannot open '{}'", f.path));
  fd_guard g{fd};
  sized_file s{uint64_t(sb.st_size), sb.st_size == 0};
  if (s.whole) return s;
  unsigned char head[4096];
  const size_t n = pread_some(fd, head, sizeof head, 0, f.name());
  s.whole = detect_compression(head, n) != compression::none || (format != input_format::jsonl && starts_json_text(head, n, format));
  return s;
}

// The first line start at or after `at` in the file (its size when no line starts there).
uint64_t line_start(const input_file& f, uint64_t at, uint64_t size) {
  if (at == 0 || at >= size) return std::min(at, size);
  const int fd = ::open(f.path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), fmt::format("cannot open '{}'", f.path));
  fd_guard g{fd};
  unsigned char buf[1 << 16];
  for (uint64_t pos = at - 1; pos < size;) {  // the byte before: a newline there makes `at` a line start
    const size_t n = pread_some(fd, buf, sizeof buf, pos, f.name());
    if (n == 0) break;
    for (size_t i = 0; i < n; ++i)
      if (buf[i] == '\n') return pos + i + 1;
    pos += n;
  }
  return size;
}

}  // namespace

std::vector<input_file> task_part(const std::vector<input_file>& files, uint64_t tasks, uint64_t task, input_format format) {
  if (tasks == 0 || task >= tasks) throw usage_error(fmt::format("--task must be below --tasks ({} of {})", task, tasks));
  std::vector<sized_file> sized;
  uint64_t total = 0;
  for (const auto& f : files) total += sized.emplace_back(look_at(f, format)).size;
  using wide = unsigned __int128;  // total * i does not fit 64 bits for big inputs and many tasks
  auto bound = [&](uint64_t i) { return uint64_t(wide(total) * i / tasks); };
  const uint64_t lo = bound(task), hi = bound(task + 1);
  const bool last = task + 1 == tasks;
  std::vector<input_file> out;
  uint64_t at = 0;  // the file's first byte among all inputs
  for (size_t k = 0; k < files.size(); at += sized[k].size, ++k) {
    const sized_file& s = sized[k];
    input_file f = files[k];
    f.in_task = true;
    f.whole_index = uint32_t(k);
    if (s.whole) {  // one unit, in the task its first byte falls in (empty files at the very end: the last task)
      if ((at >= lo && at < hi) || (last && at >= hi)) out.push_back(std::move(f));
      continue;
    }
    if (at + s.size <= lo || at >= hi) continue;
    const uint64_t b = line_start(f, lo > at ? lo - at : 0, s.size);
    const uint64_t e = hi >= at + s.size ? s.size : line_start(f, hi - at, s.size);
    if (b >= e) continue;  // no line begins in this task's range
    f.begin = b;
    f.end = e == s.size ? UINT64_MAX : e;
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace jsift
