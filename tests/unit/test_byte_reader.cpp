#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include "jsift/io/byte_reader.hpp"
#include "temp_dir.hpp"

using namespace jsift;

TEST_CASE("magic bytes decide the compression, not the name") {
  const unsigned char zst[] = {0x28, 0xB5, 0x2F, 0xFD};
  const unsigned char gz[] = {0x1F, 0x8B, 0x08};
  const unsigned char txt[] = {'{', '"'};
  CHECK(detect_compression(zst, 4) == compression::zstd);
  CHECK(detect_compression(gz, 3) == compression::gzip);
  CHECK(detect_compression(txt, 2) == compression::none);
  CHECK(detect_compression(zst, 3) == compression::none);
}

TEST_CASE("a zstd file under a .jsonl name is still decompressed") {
  temp_dir d;
  std::string zst = temp_dir::read(std::string(JSIFT_FIXTURES) + "/compressed/conversations.jsonl.zst");
  auto p = d.write("looks_plain.jsonl", zst);
  int fd = ::open(p.c_str(), O_RDONLY);
  REQUIRE(fd >= 0);
  auto r = open_stream(fd, p);
  std::string out(1 << 20, '\0');
  size_t n = 0, k;
  while ((k = r->read(out.data() + n, out.size() - n)) > 0) n += k;
  out.resize(n);
  CHECK(out == temp_dir::read(std::string(JSIFT_FIXTURES) + "/sample/conversations.jsonl"));
  CHECK(r->consumed() == zst.size());
}

TEST_CASE("concatenated gzip members are one stream") {
  temp_dir d;
  std::string gz = temp_dir::read(std::string(JSIFT_FIXTURES) + "/compressed/conversations.jsonl.gz");
  auto p = d.write("two.jsonl.gz", gz + gz);
  int fd = ::open(p.c_str(), O_RDONLY);
  auto r = open_stream(fd, p);
  std::string out(1 << 20, '\0');
  size_t n = 0, k;
  while ((k = r->read(out.data() + n, out.size() - n)) > 0) n += k;
  std::string plain = temp_dir::read(std::string(JSIFT_FIXTURES) + "/sample/conversations.jsonl");
  CHECK(n == 2 * plain.size());
}
