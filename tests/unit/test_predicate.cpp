#include <catch2/catch.hpp>

#include "jsift/error.hpp"
#include "jsift/json/predicate.hpp"

using namespace jsift;

namespace {
struct doc {
  simdjson::dom::parser parser;
  std::string text;
  simdjson::dom::element root;
  explicit doc(std::string t) : text(std::move(t)) { root = parser.parse(text); }
  bool operator()(const predicate& p) { return p.test(text, root); }
};
const char* chat = R"({"record_type":"chat","score":1.0,"ok":true,"empty":"  ","arr":[],"n":null,
  "turns":[{"role":"user","content":"héllo"},{"role":"assistant","content":"I can't sleep"},{"role":"user","content":"x"}]})";
}  // namespace

TEST_CASE("range parsing") {
  auto r = range::parse("5..10", "--turns");
  CHECK(r.contains(5));
  CHECK(r.contains(10));
  CHECK_FALSE(r.contains(4));
  CHECK_FALSE(r.contains(11));
  CHECK(range::parse("5..", "x").contains(1000));
  CHECK_FALSE(range::parse("..3", "x").contains(4));
  CHECK(range::parse("7", "x").text() == "7");
  CHECK(range::parse("..3", "x").text() == "..3");
  CHECK_THROWS_AS(range::parse("a..b", "x"), usage_error);
  CHECK_THROWS_AS(range::parse("..", "x"), usage_error);
  CHECK_THROWS_AS(range::parse("10..5", "x"), usage_error);
  CHECK_THROWS_AS(range::parse("-1..5", "x"), usage_error);
}

TEST_CASE("turns: uses the first conversation field present") {
  doc d(chat);
  CHECK(d(*make_turns(range::parse("3", "t"), std::nullopt)));
  CHECK_FALSE(d(*make_turns(range::parse("4..", "t"), std::nullopt)));
  doc m(R"({"messages":[1,2],"turns":"not an array"})");
  CHECK_FALSE(m(*make_turns(range::parse("2", "t"), std::nullopt)));  // .turns comes first and is no array
  doc c(R"({"conversations":[1,2,3,4,5]})");
  CHECK(c(*make_turns(range::parse("5..10", "t"), std::nullopt)));
  doc none(R"({"x":1})");
  CHECK_FALSE(none(*make_turns(range::parse("0..", "t"), std::nullopt)));
  CHECK(c(*make_turns(range::parse("5", "t"), path::parse(".conversations"))));
  CHECK(make_turns(range::parse("5..10", "t"), std::nullopt)->name() == "--turns 5..10");
}

TEST_CASE("len: counts characters, elements and members, every value must fit") {
  doc d(chat);
  CHECK(d(*make_len(".turns[0].content=5")));  // héllo: 5 characters, 6 bytes
  CHECK(d(*make_len(".turns[].content=1..20")));
  CHECK_FALSE(d(*make_len(".turns[].content=2..20")));  // "x" is too short
  CHECK(d(*make_len(".turns=3")));
  CHECK_FALSE(d(*make_len(".score=1")));  // numbers have no length
  CHECK_FALSE(d(*make_len(".missing=0..")));
}

TEST_CASE("eq and ne: compare JSON values, or strings") {
  doc d(chat);
  CHECK(d(*make_eq(".record_type=chat", false)));
  CHECK(d(*make_eq(R"(.record_type="chat")", false)));
  CHECK_FALSE(d(*make_eq(".record_type=qa", false)));
  CHECK(d(*make_eq(".score=1", false)));  // 1 == 1.0
  CHECK(d(*make_eq(".ok=true", false)));
  CHECK_FALSE(d(*make_eq(R"(.ok="true")", false)));
  CHECK(d(*make_eq(".n=null", false)));
  CHECK(d(*make_eq(".turns[].role=assistant", false)));  // any value
  CHECK(d(*make_eq(".record_type=qa", true)));
  CHECK_FALSE(d(*make_eq(".record_type=chat", true)));
  CHECK(d(*make_eq(".missing=x", true)));  // missing is not equal
  CHECK(d(*make_eq(".arr=[]", false)));
  CHECK_THROWS_AS(make_eq(".record_type", false), usage_error);
}

TEST_CASE("has and nonempty") {
  doc d(chat);
  CHECK(d(*make_has(".n")));
  CHECK_FALSE(d(*make_has(".nope")));
  CHECK(d(*make_nonempty(".turns[].content")));
  CHECK_FALSE(d(*make_nonempty(".empty")));
  CHECK_FALSE(d(*make_nonempty(".arr")));
  CHECK_FALSE(d(*make_nonempty(".n")));
  CHECK_FALSE(d(*make_nonempty(".nope")));
}

TEST_CASE("bytes and match") {
  doc d(chat);
  CHECK(d(*make_bytes(range::parse("10..", "b"))));
  CHECK_FALSE(d(*make_bytes(range::parse("..10", "b"))));
  CHECK(d(*make_match(".turns[].content=(?i)CAN'T SLEEP")));
  CHECK_FALSE(d(*make_match(".turns[].content=^sleep")));
  CHECK(d(*make_match(".score=^1")));
  CHECK_THROWS_AS(make_match(".x=(unclosed"), usage_error);
}
