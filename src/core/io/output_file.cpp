#include "jsift/io/output_file.hpp"

#include <atomic>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cstdlib>
#include <fcntl.h>
#include <optional>
#include <signal.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <system_error>
#include <unistd.h>

#include <fmt/format.h>

#include "jsift/error.hpp"
#include "jsift/io/interrupt.hpp"
#include "jsift/io/sys.hpp"
#include "jsift/io/units.hpp"

namespace jsift {
namespace {
std::atomic<unsigned> tmp_counter{0};

std::string temp_name_for(const std::string& path) {
  auto slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "" : path.substr(0, slash + 1);
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  return fmt::format("{}.{}.jsift-tmp-{}-{}", dir, base, ::getpid(), tmp_counter++);
}

std::optional<int> digits(std::string_view s) {
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

// The descriptor a name stands for: /dev/std*, /dev/fd/N, /proc/self/fd/N
// (and our own /proc/PID/fd/N).
std::optional<int> descriptor_name(const std::string& p) {
  if (p == "/dev/stdin") return 0;
  if (p == "/dev/stdout") return 1;
  if (p == "/dev/stderr") return 2;
  const std::string prefixes[] = {"/dev/fd/", "/proc/self/fd/", "/proc/thread-self/fd/",
                                  fmt::format("/proc/{}/fd/", ::getpid())};
  for (const auto& pre : prefixes)
    if (p.size() > pre.size() && p.compare(0, pre.size(), pre) == 0) return digits(std::string_view(p).substr(pre.size()));
  return std::nullopt;
}

std::string parent_of(const std::string& p) {
  auto slash = p.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : p.substr(0, slash);
}

// open() that sees an interrupt while it blocks (a FIFO with no reader yet).
int open_interruptibly(const char* path, int flags, mode_t mode) {
  for (;;) {
    int fd = ::open(path, flags, mode);
    if (fd >= 0 || errno != EINTR) return fd;
    interrupt::check();
  }
}

}  // namespace

output_target resolve_output(const std::string& path) {
  std::string p = path;
  for (int hops = 0; hops < 40; ++hops) {
    if (auto fd = descriptor_name(p)) return {output_target::kind::descriptor, *fd, p};
    struct stat st;
    if (::lstat(p.c_str(), &st) != 0) {
      if (errno == ENOENT) return {output_target::kind::file, -1, p};  // to be created (a dangling link's target)
      throw std::system_error(errno, std::generic_category(), fmt::format("cannot open '{}'", path));
    }
    if (S_ISLNK(st.st_mode)) {
      char buf[PATH_MAX];
      ssize_t n = ::readlink(p.c_str(), buf, sizeof buf - 1);
      if (n < 0) throw std::system_error(errno, std::generic_category(), fmt::format("cannot read the link '{}'", p));
      std::string target(buf, size_t(n));
      p = !target.empty() && target[0] == '/' ? target : parent_of(p) + "/" + target;
      continue;
    }
    if (S_ISDIR(st.st_mode)) throw std::system_error(EISDIR, std::generic_category(), fmt::format("cannot write '{}'", path));
    if (S_ISREG(st.st_mode)) return {output_target::kind::file, -1, p};
    return {output_target::kind::device, -1, p};
  }
  throw std::system_error(ELOOP, std::generic_category(), fmt::format("cannot open '{}'", path));
}

std::string output_identity(const std::string& path) {
  struct stat st;
  bool exists;
  if (path == "-") {
    exists = ::fstat(1, &st) == 0;
  } else {
    output_target t = resolve_output(path);
    if (t.what == output_target::kind::descriptor) exists = ::fstat(t.fd, &st) == 0;
    else exists = ::stat(t.path.c_str(), &st) == 0;
    if (!exists) {  // a file to be created: its directory's real path and its name
      std::string dir = parent_of(t.path);
      char* real = ::realpath(dir.c_str(), nullptr);
      std::string base = t.path.substr(t.path.rfind('/') == std::string::npos ? 0 : t.path.rfind('/') + 1);
      std::string id = fmt::format("{}/{}", real ? real : dir, base);
      std::free(real);
      return id;
    }
  }
  if (!exists || S_ISCHR(st.st_mode)) return "";
  return fmt::format("{}:{}", st.st_dev, st.st_ino);
}

void check_distinct_outputs(const std::vector<std::pair<std::string, std::string>>& outputs) {
  std::vector<std::pair<std::string, size_t>> ids;
  for (size_t i = 0; i < outputs.size(); ++i) {
    if (outputs[i].second.empty()) continue;
    std::string id = output_identity(outputs[i].second);
    if (id.empty()) continue;
    for (auto& [other, j] : ids)
      if (other == id)
        throw usage_error(fmt::format("{} '{}' and {} '{}' name the same file: give each output its own", outputs[j].first,
                                      outputs[j].second, outputs[i].first, outputs[i].second));
    ids.emplace_back(std::move(id), i);
  }
}

void check_room_for(const std::string& path, uint64_t bytes) {
  if (path == "-") return;
  output_target t = resolve_output(path);
  if (t.what != output_target::kind::file) return;
  // The nearest directory that exists (run creates its output directory later).
  struct statvfs vfs;
  std::string dir = parent_of(t.path);
  while (::statvfs(dir.c_str(), &vfs) != 0) {
    if (errno != ENOENT || dir == "/" || dir == ".") return;
    dir = parent_of(dir);
  }
  const uint64_t free = uint64_t(vfs.f_bavail) * uint64_t(vfs.f_frsize);
  if (bytes > free)
    throw std::system_error(ENOSPC, std::generic_category(),
                            fmt::format("cannot write '{}': the output comes to about {}, and its file system has {} free",
                                        path, human_bytes(bytes), human_bytes(free)));
}

output_file::output_file(std::string path) : path_(std::move(path)) {
  if (path_ == "-") {
    fd_ = 1;
    return;
  }
  output_target t = resolve_output(path_);
  switch (t.what) {
    case output_target::kind::descriptor: {
      int flags = ::fcntl(t.fd, F_GETFL);
      if (flags < 0 || (flags & O_ACCMODE) == O_RDONLY)
        throw std::system_error(flags < 0 ? errno : EBADF, std::generic_category(), fmt::format("cannot write to '{}'", path_));
      fd_ = t.fd;  // borrowed: written, never closed
      return;
    }
    case output_target::kind::device:
      // A device or FIFO is written as it is: renaming a temporary over it
      // would replace the device.
      fd_ = open_interruptibly(t.path.c_str(), O_WRONLY | O_CLOEXEC, 0);
      if (fd_ < 0) throw std::system_error(errno, std::generic_category(), fmt::format("cannot open '{}'", path_));
      owned_ = true;
      return;
    case output_target::kind::file:
      target_ = t.path;
      tmp_ = temp_name_for(target_);
      fd_ = open_interruptibly(tmp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
      if (fd_ < 0) throw std::system_error(errno, std::generic_category(), fmt::format("cannot create '{}'", path_));
      owned_ = true;
      return;
  }
}

output_file::~output_file() {
  if (owned_ && fd_ >= 0) ::close(fd_);
  if (!tmp_.empty() && !committed_) ::unlink(tmp_.c_str());
}

std::string output_file::what() const { return fd_ == 1 && !owned_ ? std::string("to stdout") : fmt::format("'{}'", path_); }

void output_file::write(std::string_view bytes) {
  if (bytes.empty()) return;
  sys::write_all(fd_, bytes.data(), bytes.size(), what());
}

void output_file::write_pieces(std::vector<iovec>& pieces) { sys::write_all_v(fd_, pieces, what()); }

void output_file::close() {
  if (!owned_ || fd_ < 0) return;
  int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) throw std::system_error(errno, std::generic_category(), fmt::format("cannot write '{}'", path_));
}

void output_file::commit_as(const std::string& final_path) {
  path_ = final_path;
  target_ = final_path;
  commit();
}

void output_file::commit() {
  if (committed_) return;
  if (tmp_.empty()) {  // stdout, a descriptor or a device: nothing to rename
    close();
    committed_ = true;
    return;
  }
  // No fsync: the rename alone guarantees that a final name never holds a
  // partial file after an error or a signal, and fsync made `filter -o` wait
  // for the disk (0.7 to 2.3 s for the same 400 MB on the bench machine).
  close();
  if (sys::ops().rename(tmp_.c_str(), target_.c_str()) != 0)
    throw std::system_error(errno, std::generic_category(), fmt::format("cannot rename into '{}'", path_));
  committed_ = true;
}

bool is_temporary_name(std::string_view name) {
  return !name.empty() && name[0] == '.' && name.find(".jsift-tmp-") != std::string_view::npos;
}

bool temporary_in_use(std::string_view name) {
  const std::string_view marker = ".jsift-tmp-";
  size_t at = name.find(marker);
  if (at == std::string_view::npos) return false;
  std::string_view rest = name.substr(at + marker.size());
  std::optional<int> pid = digits(rest.substr(0, rest.find('-')));
  if (!pid || *pid <= 0) return false;
  return *pid == ::getpid() || ::kill(*pid, 0) == 0 || errno != ESRCH;
}

void write_file_atomic(const std::string& path, std::string_view bytes) {
  output_file f(path);
  f.write(bytes);
  f.commit();
}

}  // namespace jsift
