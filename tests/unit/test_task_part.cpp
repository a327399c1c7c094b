#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "jsift/error.hpp"
#include "jsift/io/chunk_reader.hpp"
#include "jsift/io/partial_file.hpp"
#include "jsift/io/task_part.hpp"
#include "temp_dir.hpp"

using namespace jsift;

namespace {

// Everything the tasks' parts read, in task order, with each chunk's offset
// checked against the file it came from.
std::string read_parts(const std::vector<input_file>& files, uint64_t tasks, bool mmap, size_t chunk_bytes) {
  std::string out;
  for (uint64_t t = 0; t < tasks; ++t) {
    const auto part = task_part(files, tasks, t);
    chunk_reader r(part, {chunk_bytes, 1 << 20, mmap});
    chunk c;
    while (r.next(c)) {
      const std::string whole = temp_dir::read(part[c.file_index].path);
      REQUIRE(whole.compare(size_t(c.offset), c.data.size(), c.data) == 0);  // offsets are the file's
      out.append(c.data);
    }
  }
  return out;
}

std::string lines(std::mt19937& rng, size_t n, size_t max_len) {
  std::string s;
  for (size_t i = 0; i < n; ++i) s += "{\"x\":\"" + std::string(rng() % max_len, 'a' + char(i % 26)) + "\"}\n";
  return s;
}

}  // namespace

TEST_CASE("the tasks' parts are the inputs, each line once, for any N", "[task_part]") {
  temp_dir d;
  std::mt19937 rng(5);
  const std::string a = lines(rng, 300, 50), b = lines(rng, 7, 5000), c = "{\"last\":1}";  // no final newline
  std::vector<input_file> files{{d.write("a.jsonl", a)}, {d.write("empty.jsonl", "")}, {d.write("b.jsonl", b)}, {d.write("c.jsonl", c)}};
  for (uint64_t n : {1, 2, 3, 7, 64, 1000})
    for (bool mmap : {false, true}) REQUIRE(read_parts(files, n, mmap, 256) == a + b + c);
}

TEST_CASE("a line belongs to the task its first byte falls in", "[task_part]") {
  temp_dir d;
  // 10 lines of 10 bytes: 100 bytes; 4 tasks start at bytes 0, 25, 50, 75.
  std::string s;
  for (int i = 0; i < 10; ++i) s += "{\"i\":" + std::to_string(i) + "}  \n";
  REQUIRE(s.size() == 100);
  std::vector<input_file> files{{d.write("a.jsonl", s)}};
  auto part = [&](uint64_t t) { return task_part(files, 4, t); };
  CHECK(part(0).at(0).begin == 0);
  CHECK(part(0).at(0).end == 30);  // the first line starting at or after 25
  CHECK(part(1).at(0).begin == 30);
  CHECK(part(1).at(0).end == 50);  // 50 starts a line: it is the next task's
  CHECK(part(2).at(0).begin == 50);
  CHECK(part(3).at(0).begin == 80);
  CHECK(part(3).at(0).end == UINT64_MAX);  // to the end of the file
  CHECK(part(2).at(0).in_task);
}

TEST_CASE("compressed and JSON-text files are read whole by one task", "[task_part]") {
  temp_dir d;
  const std::string gz("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\x03\x00\x00\x00\x00\x00\x00\x00\x00\x00", 20);  // an empty gzip
  std::vector<input_file> files{{d.write("a.jsonl", std::string(100, ' ') + "\n")}, {d.write("b.jsonl.gz", gz)},
                                {d.write("c.json", "[{\"a\":1},\n{\"a\":2}]\n")}};
  // 101 + 20 + 19 bytes: with 5 tasks (boundaries 0, 28, 56, 84, 112, 140), the
  // gzip file starts at byte 101 (task 3's range) and the JSON text at 121 (task 4's).
  const uint64_t json_size = temp_dir::read(files[2].path).size();
  REQUIRE(json_size == 19);
  size_t seen_gz = 0, seen_json = 0;
  for (uint64_t t = 0; t < 5; ++t)
    for (const auto& f : task_part(files, 5, t)) {
      if (f.path == files[1].path) {
        ++seen_gz;
        CHECK(t == 3);
      }
      if (f.path == files[2].path) {
        ++seen_json;
        CHECK(t == 4);
      }
      if (f.path != files[0].path) CHECK((f.begin == 0 && f.end == UINT64_MAX));
    }
  CHECK(seen_gz == 1);
  CHECK(seen_json == 1);
}

TEST_CASE("stdin and bad task numbers are usage errors", "[task_part]") {
  temp_dir d;
  std::vector<input_file> files{{d.write("a.jsonl", "{}\n")}};
  CHECK_THROWS_AS(task_part({{"-"}}, 2, 0), usage_error);
  CHECK_THROWS_AS(task_part(files, 2, 2), usage_error);
  CHECK_THROWS_AS(task_part(files, 0, 0), usage_error);
  CHECK_THROWS_AS(task_part({{d.path.string() + "/missing.jsonl"}}, 2, 0), std::system_error);
}

TEST_CASE("partial files round-trip and refuse damage", "[partial]") {
  partial_writer w;
  w.str("stats");
  w.u64(42);
  w.u64(UINT64_MAX);
  const std::string file = w.finish();
  partial_reader r(file, "p.bin");
  CHECK(r.str() == "stats");
  CHECK(r.u64() == 42);
  CHECK(r.u64() == UINT64_MAX);
  r.end();
  CHECK_THROWS_AS(r.u64(), data_error);  // past the body
  for (size_t i = 0; i < file.size(); ++i) {  // any changed byte: header, body or checksum
    std::string bad = file;
    bad[i] ^= 0x20;
    CHECK_THROWS_AS(partial_reader(bad, "p.bin"), data_error);
  }
  CHECK_THROWS_AS(partial_reader(file.substr(0, file.size() - 1), "p.bin"), data_error);
  CHECK_THROWS_WITH(partial_reader("{}\n", "p.bin"), Catch::Contains("p.bin") && Catch::Contains("no JSIFTPRT header"));
  partial_reader left(file, "p.bin");
  CHECK(left.str() == "stats");
  CHECK_THROWS_WITH(left.end(), Catch::Contains("left over"));
}
