#include <catch2/catch.hpp>

#include <vector>

#include "jsift/error.hpp"
#include "jsift/json/path.hpp"
#include "jsift/json/value_hash.hpp"

using namespace jsift;

namespace {
std::vector<std::string> values(const char* json, const char* p) {
  static simdjson::dom::parser parser;
  simdjson::dom::element root = parser.parse(std::string(json));
  std::vector<std::string> out;
  path::parse(p).visit(root, [&](simdjson::dom::element e) { out.push_back(value_text(e)); });
  return out;
}
using V = std::vector<std::string>;
}  // namespace

TEST_CASE("paths reach keys, indexes, negative indexes and every element") {
  const char* doc = R"({"turns":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}],
                        "input_parameters":{"persona_key":"p1"},"a.b":{"c d":3},"n":null})";
  CHECK(values(doc, ".input_parameters.persona_key") == V{"p1"});
  CHECK(values(doc, ".turns[0].role") == V{"user"});
  CHECK(values(doc, ".turns[-1].content") == V{"hello"});
  CHECK(values(doc, ".turns[].content") == V{"hi", "hello"});
  CHECK(values(doc, ".turns[5]").empty());
  CHECK(values(doc, ".turns[-3]").empty());
  CHECK(values(doc, ".missing.deeper").empty());
  CHECK(values(doc, ".turns.role").empty());  // key step into an array: no value
  CHECK(values(doc, R"(."a.b"."c d")") == V{"3"});
  CHECK(values(doc, R"(.["a.b"]["c d"])") == V{"3"});
  CHECK(values(doc, ".n") == V{"null"});
  CHECK(values(doc, ".input_parameters[]") == V{"p1"});
  CHECK(values(R"({"x":1})", ".") == V{R"({"x":1})"});
}

TEST_CASE("multi paths are marked") {
  CHECK(path::parse(".turns[].content").is_multi());
  CHECK_FALSE(path::parse(".turns[-1].content").is_multi());
}

TEST_CASE("bad paths are usage errors naming the place") {
  CHECK_THROWS_AS(path::parse("turns"), usage_error);
  CHECK_THROWS_AS(path::parse(".a["), usage_error);
  CHECK_THROWS_AS(path::parse(".a[x]"), usage_error);
  CHECK_THROWS_AS(path::parse(".a."), usage_error);
  CHECK_THROWS_AS(path::parse(R"(."unterminated)"), usage_error);
  try {
    path::parse(".a[x]");
  } catch (const usage_error& e) {
    CHECK(std::string(e.what()) == "invalid path '.a[x]' at character 4: expected an index, \"key\" or ']'");
  }
}

TEST_CASE("group_text") {
  simdjson::dom::parser parser;
  simdjson::dom::element root = parser.parse(std::string(R"({"t":"chat","l":["a","b"],"n":3})"));
  CHECK(group_text(path::parse(".t"), root) == "chat");
  CHECK(group_text(path::parse(".n"), root) == "3");
  CHECK(group_text(path::parse(".nope"), root) == "(missing)");
  CHECK(group_text(path::parse(".l[]"), root) == R"(["a","b"])");
}
