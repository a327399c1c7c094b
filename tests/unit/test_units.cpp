#include <catch2/catch.hpp>

#include "jsift/error.hpp"
#include "jsift/io/units.hpp"

using namespace jsift;

TEST_CASE("sizes: units, and what is not a size") {
  CHECK(parse_size("64MiB", "x") == (uint64_t(64) << 20));
  CHECK(parse_size("4M", "x") == (uint64_t(4) << 20));
  CHECK(parse_size("1.5KiB", "x") == 1536);
  CHECK(parse_size("1000", "x") == 1000);
  CHECK(parse_size("2T", "x") == (uint64_t(2) << 40));
  for (const char* bad : {"nan", "inf", "-1", "1Q", "", "MiB", "1e30"}) {
    INFO(bad);
    CHECK_THROWS_AS(parse_size(bad, "max_bytes"), option_error);
  }
  try {
    parse_size("nan", "max_line_bytes");
  } catch (const option_error& e) {
    CHECK(e.field == "max_line_bytes");
    CHECK(std::string(e.what()).rfind("--max-line-bytes: ", 0) == 0);
  }
}

TEST_CASE("numbers for people") {
  CHECK(human_bytes(17) == "17 B");
  CHECK(human_bytes(uint64_t(64) << 20) == "64 MiB");
  CHECK(human_bytes(1536) == "1.5 KiB");
  CHECK(with_commas(0) == "0");
  CHECK(with_commas(999) == "999");
  CHECK(with_commas(1000) == "1,000");
  CHECK(with_commas(1234567) == "1,234,567");
}

TEST_CASE("option errors: the flag on the command line, the key in a config file") {
  option_error e("max_line_bytes", "at most `chunk_bytes` x 2");
  CHECK(std::string(e.what()) == "--max-line-bytes: at most --chunk-bytes x 2");
  CHECK(option_error::as_keys(e.problem) == "at most chunk_bytes x 2");
  option_error dashed("--turns-path", "x");
  CHECK(dashed.field == "turns_path");
  option_error whole("", "give `a` or `b`");
  CHECK(std::string(whole.what()) == "give --a or --b");
  CHECK_THROWS_AS(for_option("has", [] { throw usage_error("bad path"); }), option_error);
}
