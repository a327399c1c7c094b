#include <catch2/catch.hpp>

#include "jsift/error.hpp"
#include "jsift/stages/split_router.hpp"
#include <fmt/format.h>

#include "test_record.hpp"

using namespace jsift;

namespace {
std::string field_of(std::vector<split_router::ratio> r) {
  try {
    split_router s(std::move(r), {}, 0);
  } catch (const option_error& e) {
    return e.field + ": " + e.problem;
  }
  return "(accepted)";
}
}  // namespace

TEST_CASE("split router: names that cannot name a file are refused, for every front end") {
  for (const char* bad : {"", ".", "..", "a/b", "/"}) {
    std::string why = field_of({{bad, 1.0}});
    CHECK(why.rfind("ratios: ", 0) == 0);
    CHECK(why.find("cannot be a file name") != std::string::npos);
  }
  CHECK(field_of({{"train", 0.9}, {"eval", 0.1}}) == "(accepted)");
  CHECK(field_of({{"...", 1.0}}) == "(accepted)");  // an odd name, but a file name
  CHECK_THROWS_AS(check_split_name("..", "split"), option_error);
}

TEST_CASE("split router: shares are finite, from 0 to 1, and sum to 1") {
  CHECK(field_of({{"a", 0.5}}).find("must sum to 1") != std::string::npos);
  CHECK(field_of({{"a", std::nan("")}}).find("from 0 to 1") != std::string::npos);
  CHECK(field_of({{"a", 1.5}, {"b", -0.5}}).find("from 0 to 1") != std::string::npos);
  CHECK(field_of({}).find("at least one") != std::string::npos);
}

TEST_CASE("split router: buckets follow the cuts; the last takes the rest") {
  split_router r({{"a", 0.25}, {"b", 0.75}}, {}, 0);
  CHECK(r.bucket_of(0) == 0);
  CHECK(r.bucket_of((uint64_t(1) << 62) - 1) == 0);
  CHECK(r.bucket_of(uint64_t(1) << 62) == 1);
  CHECK(r.bucket_of(UINT64_MAX) == 1);
}

TEST_CASE("split router: records sharing a key land together; shares are close to the ratios") {
  split_router r({{"eval", 0.1}, {"train", 0.9}}, key_spec::parse({".conv"}, "none"), 7);
  key_hasher kh(r.key());
  size_t evals = 0;
  for (int i = 0; i < 2000; ++i) {
    test_record a(fmt::format(R"({{"conv":{},"turn":1}})", i)), b(fmt::format(R"({{"turn":2,"conv":{}}})", i));
    std::optional<size_t> ba = r.bucket(kh, a.ref);
    REQUIRE(ba.has_value());
    CHECK(ba == r.bucket(kh, b.ref));
    evals += *ba == 0;
  }
  CHECK(evals > 140);
  CHECK(evals < 260);
}

TEST_CASE("split router: no value at the key is no split (never the record's bytes); several paths are a tuple") {
  split_router r({{"a", 0.5}, {"b", 0.5}}, key_spec::parse({".x", ".y"}, "none"), 1, keyless_policy::skip);
  key_hasher kh(r.key());
  test_record none(R"({"z":1})"), only_x(R"({"x":1})"), both(R"({"x":1,"y":2})");
  CHECK_FALSE(r.bucket(kh, none.ref).has_value());
  CHECK(r.bucket(kh, only_x.ref).has_value());  // one of the tuple's paths is enough to have a key
  CHECK(r.keyless() == keyless_policy::skip);
  CHECK(r.key_text() == ".x, .y");
  split_router bytes({{"a", 0.5}, {"b", 0.5}}, {}, 1);
  CHECK(bytes.bucket(kh, none.ref).has_value());  // without key paths: the record's bytes
}
