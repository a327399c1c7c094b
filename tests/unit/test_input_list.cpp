#include <catch2/catch.hpp>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

#include "jsift/error.hpp"
#include "jsift/io/input_list.hpp"
#include "jsift/io/sys.hpp"
#include "temp_dir.hpp"

using namespace jsift;
namespace fs = std::filesystem;

namespace {
ssize_t full_disk(int, const void*, size_t) {
  errno = ENOSPC;
  return -1;
}

// Sets an environment variable for the scope.
struct scoped_env {
  std::string name;
  std::string old;
  bool had;
  scoped_env(const char* n, const std::string& v) : name(n) {
    const char* o = std::getenv(n);
    had = o != nullptr;
    if (had) old = o;
    ::setenv(n, v.c_str(), 1);
  }
  ~scoped_env() {
    if (had) ::setenv(name.c_str(), old.c_str(), 1);
    else ::unsetenv(name.c_str());
  }
};
}  // namespace

TEST_CASE("input spool: a full TMPDIR leaves no spool file behind") {
  // Bug D7: the spool's temporary survived ENOSPC (a constructor that throws
  // never runs its destructor).
  temp_dir t;
  fs::create_directory(t.path / "tmp");
  scoped_env env("TMPDIR", (t.path / "tmp").string());
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  REQUIRE(::write(fds[1], "{\"a\":1}\n", 8) == 8);
  ::close(fds[1]);
  std::vector<input_file> files{{"/dev/fd/" + std::to_string(fds[0])}};
  sys::op_table ops = sys::ops();
  ops.write = full_disk;
  {
    sys::scoped_ops guard(ops);
    CHECK_THROWS_AS(input_spool(files), std::system_error);
  }
  ::close(fds[0]);
  CHECK(fs::is_empty(t.path / "tmp"));
}

TEST_CASE("input spool: re-readable files are used in place, others copied and removed afterwards") {
  temp_dir t;
  fs::create_directory(t.path / "tmp");
  scoped_env env("TMPDIR", (t.path / "tmp").string());
  std::string plain = t.write("a.jsonl", "{\"a\":1}\n");
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  REQUIRE(::write(fds[1], "{\"b\":2}\n", 8) == 8);
  ::close(fds[1]);
  std::vector<input_file> files{{plain}, {"/dev/fd/" + std::to_string(fds[0])}};
  {
    input_spool spool(files);
    CHECK(spool.used());
    CHECK(files[0].path == plain);
    CHECK(files[1].path != "/dev/fd/" + std::to_string(fds[0]));
    CHECK(temp_dir::read(files[1].path) == "{\"b\":2}\n");
    CHECK(files[1].name() == "/dev/fd/" + std::to_string(fds[0]));
  }
  ::close(fds[0]);
  CHECK(fs::is_empty(t.path / "tmp"));
}

TEST_CASE("input directories: sorted, each directory and file once, links followed, the rest listed as skipped") {
  temp_dir t;
  fs::create_directories(t.path / "d" / "sub");
  t.write("d/b.jsonl", "{}\n");
  t.write("d/a.jsonl.zst", "x");
  t.write("d/sub/c.jsonl", "{}\n");
  t.write("d/notes.txt", "not data");
  t.write("d/.hidden.jsonl", "{}\n");
  fs::create_directory_symlink("..", t.path / "d" / "sub" / "up");       // a loop
  fs::create_symlink("../b.jsonl", t.path / "d" / "sub" / "again.jsonl");  // a second path to b
  fs::create_symlink("missing.jsonl", t.path / "d" / "broken.jsonl");
  REQUIRE(::mkfifo((t.path / "d" / "pipe.jsonl").c_str(), 0600) == 0);
  std::vector<skipped_input> skipped;
  auto files = expand_inputs({(t.path / "d").string()}, &skipped);
  std::vector<std::string> names;
  for (auto& f : files) names.push_back(fs::path(f.path).lexically_relative(t.path).string());
  CHECK(names == std::vector<std::string>{"d/a.jsonl.zst", "d/b.jsonl", "d/sub/c.jsonl"});
  std::vector<std::pair<std::string, std::string>> listed;
  for (auto& s : skipped) listed.emplace_back(fs::path(s.path).lexically_relative(t.path).string(), s.reason);
  CHECK(listed == std::vector<std::pair<std::string, std::string>>{
                      {"d/.hidden.jsonl", "a hidden file"},
                      {"d/broken.jsonl", "a broken link"},
                      {"d/notes.txt", "not a *.jsonl* or *.ndjson* file (--glob selects others)"},
                      {"d/pipe.jsonl", "not a regular file (a FIFO)"},
                      {"d/sub/again.jsonl", "the same file as '" + (t.path / "d" / "b.jsonl").string() + "' (read once)"}});
  skipped.clear();
  auto globbed = expand_inputs({(t.path / "d").string()}, &skipped, {"*.txt"});
  REQUIRE(globbed.size() == 1);
  CHECK(fs::path(globbed[0].path).filename() == "notes.txt");
}

TEST_CASE("input arguments: a missing path is an I/O error, a directory without data a usage error") {
  temp_dir t;
  CHECK_THROWS_AS(expand_inputs({(t.path / "nope.jsonl").string()}), std::system_error);
  t.write("only.txt", "x");
  CHECK_THROWS_AS(expand_inputs({t.path.string()}), usage_error);
  CHECK(expand_inputs({}).at(0).path == "-");
}
