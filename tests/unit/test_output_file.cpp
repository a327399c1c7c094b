#include <catch2/catch.hpp>

#include <cerrno>
#include <algorithm>
#include <filesystem>
#include <sys/uio.h>
#include <unistd.h>

#include "jsift/error.hpp"
#include "jsift/io/output_file.hpp"
#include "jsift/io/sys.hpp"
#include "temp_dir.hpp"

using namespace jsift;
namespace fs = std::filesystem;

namespace {
size_t count_files(const fs::path& d) {
  size_t n = 0;
  for ([[maybe_unused]] auto& e : fs::directory_iterator(d)) ++n;
  return n;
}

int fail_errno = 0;
int calls = 0;
ssize_t failing_write(int fd, const void* b, size_t n) {
  if (fd != 1 && fail_errno) {
    errno = fail_errno;
    return -1;
  }
  return ::write(fd, b, n);
}
// EINTR on every other call, and short writes of at most 3 bytes
ssize_t flaky_write(int fd, const void* b, size_t n) {
  if (++calls % 2) {
    errno = EINTR;
    return -1;
  }
  return ::write(fd, b, std::min<size_t>(n, 3));
}
// writev: EINTR on every third call, and at most 5 bytes written per call
ssize_t flaky_writev(int fd, const struct iovec* iov, int count) {
  if (++calls % 3 == 0) {
    errno = EINTR;
    return -1;
  }
  size_t n = 0;
  for (int i = 0; i < count && n < 5; ++i) {
    size_t take = std::min(iov[i].iov_len, 5 - n);
    if (::write(fd, iov[i].iov_base, take) != ssize_t(take)) return -1;
    n += take;
    if (take < iov[i].iov_len) break;
  }
  return ssize_t(n);
}
}  // namespace

TEST_CASE("scattered pieces are written whole, in order, through short writevs and EINTR") {
  temp_dir d;
  auto final_path = (d.path / "out.jsonl").string();
  sys::op_table t = sys::ops();
  t.writev = flaky_writev;
  std::string a = "{\"a\":1}\n", b = "{\"bb\":22}\n", c = "{}\n";
  std::vector<iovec> pieces{{a.data(), a.size()}, {b.data(), 0}, {b.data(), b.size()}, {c.data(), c.size()}};
  {
    sys::scoped_ops guard(t);
    output_file f(final_path);
    f.write_pieces(pieces);
    f.commit();
  }
  CHECK(temp_dir::read(final_path) == a + b + c);
}

TEST_CASE("an output file appears under its name only on commit") {
  temp_dir d;
  auto final_path = (d.path / "out.jsonl").string();
  {
    output_file f(final_path);
    f.write("{\"a\":1}\n");
    CHECK_FALSE(fs::exists(final_path));
    f.commit();
  }
  CHECK(temp_dir::read(final_path) == "{\"a\":1}\n");
  CHECK(count_files(d.path) == 1);
}

TEST_CASE("an abandoned output file leaves nothing behind") {
  temp_dir d;
  auto final_path = (d.path / "out.jsonl").string();
  {
    output_file f(final_path);
    f.write("partial");
  }
  CHECK_FALSE(fs::exists(final_path));
  CHECK(count_files(d.path) == 0);
}

TEST_CASE("a full disk is a clear I/O error and leaves no final file") {
  temp_dir d;
  auto final_path = (d.path / "out.jsonl").string();
  sys::op_table t = sys::ops();
  t.write = failing_write;
  fail_errno = ENOSPC;
  {
    sys::scoped_ops guard(t);
    output_file f(final_path);
    try {
      f.write("data");
      FAIL("no error");
    } catch (const std::system_error& e) {
      CHECK(std::string(e.what()).find("cannot write '" + final_path + "'") != std::string::npos);
      CHECK(e.code().value() == ENOSPC);
    }
  }
  fail_errno = 0;
  CHECK_FALSE(fs::exists(final_path));
  CHECK(count_files(d.path) == 0);
}

TEST_CASE("EPIPE becomes broken_pipe") {
  temp_dir d;
  sys::op_table t = sys::ops();
  t.write = failing_write;
  fail_errno = EPIPE;
  sys::scoped_ops guard(t);
  output_file f((d.path / "x").string());
  CHECK_THROWS_AS(f.write("data"), broken_pipe);
  fail_errno = 0;
}

TEST_CASE("EINTR and short writes are retried until everything is written") {
  temp_dir d;
  auto final_path = (d.path / "out.jsonl").string();
  sys::op_table t = sys::ops();
  t.write = flaky_write;
  std::string text = "0123456789abcdefghijklmnopqrstuvwxyz\n";
  {
    sys::scoped_ops guard(t);
    output_file f(final_path);
    f.write(text);
    f.commit();
  }
  CHECK(temp_dir::read(final_path) == text);
  CHECK(calls > 20);
}

TEST_CASE("write_file_atomic replaces an existing file whole") {
  temp_dir d;
  auto p = d.write("r.json", "old");
  write_file_atomic(p, "new contents");
  CHECK(temp_dir::read(p) == "new contents");
}
