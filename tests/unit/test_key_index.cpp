#include <catch2/catch.hpp>

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
