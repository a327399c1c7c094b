#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "jsift/sets/string_counter.hpp"

using jsift::string_counter;

TEST_CASE("string_counter counts, keeps insertion order and finds") {
  string_counter c;
  CHECK(c.add("turns") == 0);
  CHECK(c.add("id") == 1);
  CHECK(c.add("turns", 4) == 0);
  CHECK(c.count(0) == 5);
  CHECK(c.name(1) == "id");
  CHECK(c.find("id") == 1);
  CHECK(c.find("nope") == string_counter::npos);
  for (int i = 0; i < 5000; ++i) c.add(fmt::format("k{}", i % 1000));
  CHECK(c.size() == 1002);
  CHECK(c.count(c.find("k999")) == 5);
  CHECK(c.add("") == 1002);  // the empty string is a string
}

TEST_CASE("string_counter stops at max_entries") {
  string_counter c(2);
  CHECK(c.add("a") == 0);
  CHECK(c.add("b") == 1);
  CHECK(c.add("c") == string_counter::npos);
  CHECK(c.add("a") == 0);  // known strings still count
  CHECK(c.size() == 2);
  CHECK(c.count(0) == 2);
}
