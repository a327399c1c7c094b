#include <catch2/catch.hpp>

#include "jsift/error.hpp"
#include "jsift/stages/predicate_chain.hpp"
#include "test_record.hpp"

using namespace jsift;

namespace {
const char* five = R"({"record_type":"chat","turns":[1,2,3,4,5],"persona":"x"})";
const char* two = R"({"record_type":"qa","turns":[1,2]})";
}  // namespace

TEST_CASE("predicate chain: fixed order, whatever order the options came in") {
  filter_spec a;
  a.match = {".record_type=^c"};
  a.has = {".persona"};
  a.turns = "3..10";
  a.bytes = "..1000";
  predicate_chain chain(a);
  REQUIRE(chain.size() == 4);
  CHECK(chain.at(0).name() == "--bytes ..1000");
  CHECK(chain.at(1).name() == "--turns 3..10");
  CHECK(chain.at(2).name() == "--has .persona");
  CHECK(chain.at(3).name() == "--match .record_type=^c");
}

TEST_CASE("predicate chain: the first failing predicate names the disposition") {
  filter_spec s;
  s.turns = "3..";
  s.eq = {".record_type=chat"};
  predicate_chain chain(s);
  disposition_names names;
  std::vector<size_t> ids = chain.register_dispositions(names);
  REQUIRE(ids.size() == 2);
  CHECK(names.name(ids[0]) == "filtered:--turns 3..");
  CHECK(names.name(ids[1]) == "filtered:--eq .record_type=chat");
  test_record keep(five), short_qa(two), long_qa(R"({"record_type":"qa","turns":[1,2,3]})");
  CHECK_FALSE(chain.rejecting(keep.ref).has_value());
  CHECK(chain.rejecting(short_qa.ref) == 0u);  // fails both: the first one counts
  CHECK(chain.rejecting(long_qa.ref) == 1u);
}

TEST_CASE("predicate chain: inverted, the records that pass everything are dropped") {
  filter_spec s;
  s.turns = "3..";
  s.invert = true;
  predicate_chain chain(s);
  disposition_names names;
  std::vector<size_t> ids = chain.register_dispositions(names);
  REQUIRE(ids.size() == 2);
  CHECK(names.name(ids[1]) == "filtered:--invert");
  test_record a(five), b(two);
  CHECK(chain.rejecting(a.ref) == 1u);  // == size(): dropped by the inversion
  CHECK_FALSE(chain.rejecting(b.ref).has_value());
}

TEST_CASE("predicate chain: an empty spec keeps everything") {
  predicate_chain chain(filter_spec{});
  CHECK(chain.empty());
  test_record a(two);
  CHECK_FALSE(chain.rejecting(a.ref).has_value());
}

TEST_CASE("predicate chain: bad values are option errors naming the field") {
  auto field_of = [](void (*set)(filter_spec&)) {
    filter_spec s;
    set(s);
    try {
      predicate_chain c(s);
    } catch (const option_error& e) {
      return e.field;
    }
    return std::string("(none)");
  };
  CHECK(field_of([](filter_spec& s) { s.turns = "x"; }) == "turns");
  CHECK(field_of([](filter_spec& s) { s.bytes = "10..5"; }) == "bytes");
  CHECK(field_of([](filter_spec& s) { s.turns_path = ".turns"; }) == "turns_path");  // needs turns
  CHECK(field_of([](filter_spec& s) { s.turns = "5", s.turns_path = ".a["; }) == "turns_path");
  CHECK(field_of([](filter_spec& s) { s.has = {".a["}; }) == "has");
  CHECK(field_of([](filter_spec& s) { s.len = {".a"}; }) == "len");
  CHECK(field_of([](filter_spec& s) { s.match = {".a=("}; }) == "match");
  CHECK(field_of([](filter_spec& s) { s.ne = {"nopath"}; }) == "ne");
  CHECK(field_of([](filter_spec& s) { s.eq = {".a=1"}; }) == "(none)");
}
