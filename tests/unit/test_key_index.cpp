#include <catch2/catch.hpp>

#include <cstring>

#include "jsift/error.hpp"
#include "jsift/sets/key_index.hpp"
#include "temp_dir.hpp"

using namespace jsift;

namespace {
std::string message_of(const std::string& path, const std::string& spec) {
  key_set s;
  try {
    read_key_index(path, spec, s, 0);
  } catch (const data_error& e) {
    return e.what();
  }
  return "no error";
}
}  // namespace

TEST_CASE("an index round-trips its keys") {
  temp_dir d;
  key_set keys;
  for (int i = 0; i < 1000; ++i) keys.insert(hash_bytes(std::to_string(i)));
  keys.insert(hash128{0, 0});
  auto p = (d.path / "seen.idx").string();
  write_key_index(p, "record;normalize=none", keys);
  CHECK(looks_like_key_index(p));
  key_set back;
  CHECK(read_key_index(p, "record;normalize=none", back, 7) == 1001);
  CHECK(back.size() == 1001);
  CHECK(back.contains(hash_bytes("999")));
  CHECK(back.contains(hash128{0, 0}));
}

TEST_CASE("an index of Unicode-normalised keys is version 2; version 1 stays for the others; an unknown version is refused") {
  temp_dir d;
  key_set keys;
  keys.insert(hash_bytes("a"));
  auto version_of = [](const std::string& bytes) {
    uint32_t v;
    std::memcpy(&v, bytes.data() + 8, 4);
    return v;
  };
  auto p1 = (d.path / "ascii.idx").string(), p2 = (d.path / "unicode.idx").string();
  const std::string uspec = "record;normalize=fold;unicode=15.0.0";
  write_key_index(p1, "record;normalize=ws", keys);
  write_key_index(p2, uspec, keys);
  CHECK(version_of(temp_dir::read(p1)) == 1);
  std::string v2 = temp_dir::read(p2);
  CHECK(version_of(v2) == 2);
  key_set back;
  CHECK(read_key_index(p2, uspec, back, 0) == 1);
  CHECK_THAT(message_of(p2, "record;normalize=fold;unicode=16.0.0"), Catch::Contains("index was built for key '" + uspec + "'"));
  v2[8] = 3;  // a later format (the checksum is checked after the version)
  CHECK_THAT(message_of(d.write("v3.idx", v2), uspec), Catch::Contains("index version 3 is not supported (this jsift reads 1 to 2)"));
}

TEST_CASE("a damaged, truncated, foreign or mismatched index is a clear data error") {
  temp_dir d;
  key_set keys;
  for (int i = 0; i < 10; ++i) keys.insert(hash_bytes(std::to_string(i)));
  auto p = (d.path / "seen.idx").string();
  write_key_index(p, ".a;normalize=none", keys);
  std::string good = temp_dir::read(p);

  std::string flipped = good;
  flipped[good.size() / 2] ^= 0x40;
  CHECK_THAT(message_of(d.write("flipped.idx", flipped), ".a;normalize=none"), Catch::Contains("checksum mismatch"));
  CHECK_THAT(message_of(d.write("short.idx", good.substr(0, good.size() - 20)), ".a;normalize=none"), Catch::Contains("truncated"));
  CHECK_THAT(message_of(d.write("tiny.idx", good.substr(0, 12)), ".a;normalize=none"), Catch::Contains("truncated"));
  CHECK_THAT(message_of(d.write("foreign.idx", "{\"not\":\"an index\"}\n"), ".a;normalize=none"), Catch::Contains("not a jsift index"));
  CHECK_THAT(message_of(p, ".b;normalize=none"), Catch::Contains("index was built for key '.a;normalize=none'"));
  CHECK_FALSE(looks_like_key_index(d.write("plain.jsonl", "{}\n")));
  key_set s;
  CHECK_THROWS_AS(read_key_index((d.path / "missing.idx").string(), "x", s, 0), std::system_error);
}
