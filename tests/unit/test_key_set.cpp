#include <catch2/catch.hpp>

#include "jsift/sets/key_set.hpp"

using namespace jsift;

TEST_CASE("key_set inserts, finds and grows") {
  key_set s;
  for (uint64_t i = 0; i < 100000; ++i) CHECK(s.insert(hash_bytes(std::to_string(i))));
  CHECK(s.size() == 100000);
  for (uint64_t i = 0; i < 100000; i += 7) CHECK_FALSE(s.insert(hash_bytes(std::to_string(i))));
  CHECK(s.size() == 100000);
  CHECK(s.contains(hash_bytes("42")));
  CHECK_FALSE(s.contains(hash_bytes("not there")));
  // at most 70 % full: 16 B a slot -> under 46 B per key
  CHECK(s.memory_bytes() / s.size() <= 46);
}

TEST_CASE("the all-zero key is a real key") {
  key_set s;
  CHECK_FALSE(s.contains(hash128{0, 0}));
  CHECK(s.insert(hash128{0, 0}));
  CHECK_FALSE(s.insert(hash128{0, 0}));
  CHECK(s.contains(hash128{0, 0}));
  CHECK(s.size() == 1);
}
