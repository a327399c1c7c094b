#include <catch2/catch.hpp>

#include <cstring>

#include <simdjson.h>

#include "jsift/io/chunk_reader.hpp"
#include "jsift/error.hpp"
#include "temp_dir.hpp"

using namespace jsift;

namespace {

struct read_back {
  std::vector<chunk> chunks;
  std::string joined;
};

read_back read_all(const std::vector<std::string>& paths, size_t chunk_bytes, size_t max_line, bool mmap) {
  std::vector<input_file> files;
  for (auto& p : paths) files.push_back({p});
  chunk_reader r(files, {chunk_bytes, max_line, mmap});
  read_back out;
  chunk c;
  uint64_t seq = 0;
  while (r.next(c)) {
    CHECK(c.seq == seq++);
    // every chunk is padded: SIMDJSON_PADDING bytes after it are readable
    volatile char sink = 0;
    for (size_t i = 0; i < simdjson::SIMDJSON_PADDING; ++i) sink = sink ^ c.data.data()[c.data.size() + i];
    (void)sink;
    if (!c.oversized) out.joined += c.data;
    out.chunks.push_back(c);
  }
  return out;
}

std::string lines(int n, int width) {
  std::string s;
  for (int i = 0; i < n; ++i) s += "{\"i\":" + std::to_string(i) + ",\"p\":\"" + std::string(size_t(width + i % 7), 'x') + "\"}\n";
  return s;
}

}  // namespace

TEST_CASE("chunks hold whole lines and reassemble the file", "[chunker]") {
  temp_dir d;
  std::string text = lines(500, 40);
  auto p = d.write("a.jsonl", text);
  for (bool mmap : {true, false}) {
    INFO("mmap=" << mmap);
    auto rb = read_all({p}, 256, 1 << 20, mmap);
    CHECK(rb.joined == text);
    CHECK(rb.chunks.size() > 50);
    for (auto& c : rb.chunks) {
      REQUIRE(!c.data.empty());
      CHECK(c.data.back() == '\n');
      CHECK(c.data.size() <= 256);
    }
    CHECK(rb.chunks.front().file_start);
    CHECK(rb.chunks.back().file_end);
    CHECK_FALSE(rb.chunks.front().file_end);
  }
}

TEST_CASE("a last line without newline, CRLF and a BOM pass through", "[chunker]") {
  temp_dir d;
  std::string text = "\xEF\xBB\xBF{\"a\":1}\r\n{\"b\":2}\r\n{\"c\":3}";
  auto p = d.write("b.jsonl", text);
  for (bool mmap : {true, false}) {
    auto rb = read_all({p}, 64, 1 << 20, mmap);
    CHECK(rb.joined == text);
    CHECK(rb.chunks.back().data.back() == '}');
    CHECK(rb.chunks.back().file_end);
  }
}

TEST_CASE("a line longer than the chunk size but within the limit is one chunk", "[chunker]") {
  temp_dir d;
  std::string big = "{\"t\":\"" + std::string(5000, 'y') + "\"}\n";
  std::string text = "{\"a\":1}\n" + big + "{\"b\":2}\n";
  auto p = d.write("c.jsonl", text);
  for (bool mmap : {true, false}) {
    auto rb = read_all({p}, 128, 1 << 20, mmap);
    CHECK(rb.joined == text);
    bool found = false;
    for (auto& c : rb.chunks) found = found || c.data == big;
    CHECK(found);
  }
}

TEST_CASE("a line over max_line_bytes becomes one oversized chunk without buffering it all", "[chunker]") {
  temp_dir d;
  std::string big = "{\"t\":\"" + std::string(100000, 'z') + "\"}";
  std::string text = "{\"a\":1}\n" + big + "\n{\"b\":2}\n";
  auto p = d.write("d.jsonl", text);
  for (bool mmap : {true, false}) {
    INFO("mmap=" << mmap);
    auto rb = read_all({p}, 128, 1000, mmap);
    CHECK(rb.joined == "{\"a\":1}\n{\"b\":2}\n");
    int oversized = 0;
    for (auto& c : rb.chunks) {
      if (!c.oversized) continue;
      ++oversized;
      CHECK(c.oversized == big.size());
      CHECK(c.data.size() <= big.size() + 1);  // mapped: the line and its newline
      CHECK(c.data.substr(0, 6) == big.substr(0, 6));
      if (!mmap) CHECK(c.data.size() <= 1000);  // streams keep only a prefix
    }
    CHECK(oversized == 1);
  }
}

TEST_CASE("an oversized last line without newline", "[chunker]") {
  temp_dir d;
  std::string text = "{\"a\":1}\n" + std::string(3000, 'q');
  auto p = d.write("e.jsonl", text);
  for (bool mmap : {true, false}) {
    auto rb = read_all({p}, 100, 1000, mmap);
    REQUIRE(rb.chunks.size() >= 2);
    CHECK(rb.chunks.back().oversized == 3000);
    CHECK(rb.chunks.back().file_end);
  }
}

TEST_CASE("several files are one stream, empty files yield nothing", "[chunker]") {
  temp_dir d;
  auto a = d.write("a.jsonl", lines(10, 5));
  auto e = d.write("empty.jsonl", "");
  auto b = d.write("b.jsonl", lines(3, 5));
  auto rb = read_all({a, e, b}, 1 << 20, 1 << 20, true);
  REQUIRE(rb.chunks.size() == 2);
  CHECK(rb.chunks[0].file_index == 0);
  CHECK(rb.chunks[1].file_index == 2);
  CHECK(rb.chunks[1].file_start);
}

TEST_CASE("missing files and directories are I/O errors", "[chunker]") {
  temp_dir d;
  {
    chunk_reader r({{(d.path / "nope.jsonl").string()}}, {});
    chunk c;
    CHECK_THROWS_AS(r.next(c), std::system_error);
  }
  {
    chunk_reader r({{d.path.string()}}, {});
    chunk c;
    CHECK_THROWS_AS(r.next(c), std::system_error);
  }
}

TEST_CASE("compressed fixtures decode to the plain sample", "[chunker]") {
  std::string dir = JSIFT_FIXTURES;
  auto plain = read_all({dir + "/sample/conversations.jsonl"}, 4096, 1 << 20, true).joined;
  REQUIRE(plain.size() > 1000);
  CHECK(read_all({dir + "/compressed/conversations.jsonl.zst"}, 4096, 1 << 20, true).joined == plain);
  CHECK(read_all({dir + "/compressed/conversations.jsonl.gz"}, 4096, 1 << 20, true).joined == plain);
}

TEST_CASE("truncated compressed input is a data error naming file and line", "[chunker]") {
  std::string dir = JSIFT_FIXTURES;
  for (const char* f : {"/bad/truncated.jsonl.zst", "/bad/truncated.jsonl.gz"}) {
    INFO(f);
    try {
      read_all({dir + f}, 4096, 1 << 20, true);
      FAIL("no error");
    } catch (const data_error& e) {
      std::string m = e.what();
      CHECK(m.find(f + 1) != std::string::npos);
      CHECK(m.find("truncated") != std::string::npos);
    }
  }
}
