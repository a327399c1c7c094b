#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "jsift/json/raw_edit.hpp"

using namespace jsift;

namespace {
std::vector<std::string> at(const std::string& json, const char* p) {
  std::vector<std::string> out;
  for (raw_span s : raw_values(json, path::parse(p))) out.emplace_back(s.of(json));
  return out;
}
std::string set(std::string json, const char* p, const char* value, edit_result want = edit_result::changed) {
  std::string why;
  CHECK(raw_set(json, path::parse(p), json_value_text(value), why) == want);
  return json;
}
std::string del(std::string json, const char* p) {
  raw_del(json, path::parse(p));
  return json;
}
using V = std::vector<std::string>;
}  // namespace

TEST_CASE("raw values: the bytes as written, through keys, indexes, [] and roles") {
  const std::string doc = R"( {"a" : 1.0 , "b":{"c":[1, 2 ,"x\"]y"]},"e\u0073c":"\u00e9",
    "turns":[{"role":"user","content":"q"},{"from":"gpt","value":"a"}], "a": 2})";
  CHECK(at(doc, ".a") == V{"1.0"});  // the first of repeated keys, as everywhere
  CHECK(at(doc, ".b.c") == V{"[1, 2 ,\"x\\\"]y\"]"});
  CHECK(at(doc, ".b.c[-1]") == V{"\"x\\\"]y\""});
  CHECK(at(doc, ".b.c[]") == V{"1", "2", "\"x\\\"]y\""});
  CHECK(at(doc, ".esc") == V{"\"\\u00e9\""});  // an escaped key matches its text
  CHECK(at(doc, ".turns[role=assistant][-1].value") == V{"\"a\""});
  CHECK(at(doc, ".turns[role=user].content") == V{"\"q\""});
  CHECK(at(doc, ".b[]") == V{"[1, 2 ,\"x\\\"]y\"]"});
  CHECK(at(doc, ".missing").empty());
  CHECK(at(doc, ".a.b").empty());
  CHECK(at(doc, ".b.c[3]").empty());
}

TEST_CASE("set: replaces in place, adds members last, creates objects on the way; the rest keeps its bytes") {
  CHECK(set(R"({"a": 1.50, "b":2})", ".b", "3") == R"({"a": 1.50, "b":3})");
  CHECK(set(R"({"a": 1.50})", ".src", "oasst") == R"({"a": 1.50,"src":"oasst"})");
  CHECK(set(R"({ })", ".src", "\"quoted\"") == R"({"src":"quoted" })");
  CHECK(set(R"({"a":1})", ".m.n.o", "[1, 2]") == R"({"a":1,"m":{"n":{"o":[1,2]}}})");
  CHECK(set(R"({"m":{"x":1}})", ".m.y", "tab\there") == R"({"m":{"x":1,"y":"tab\there"}})");
  CHECK(set(R"({"t":[{"r":1},{"r":2}]})", ".t[].r", "0") == R"({"t":[{"r":0},{"r":0}]})");
  CHECK(set(R"({"t":[{"role":"user"},{"role":"assistant"}]})", ".t[role=assistant][-1].ok", "true") ==
        R"({"t":[{"role":"user"},{"role":"assistant","ok":true}]})");
  CHECK(set(R"({"a":1})", ".a", "1", edit_result::unchanged) == R"({"a":1})");
  CHECK(set(R"({"m":null,"z":0})", ".m.n.o", "1") == R"({"m":{"n":{"o":1}},"z":0})");  // null: as if missing
  CHECK(set(R"({"t":[]})", ".t[].r", "0", edit_result::unchanged) == R"({"t":[]})");
  std::string why;
  std::string doc = R"({"a":"text"})";
  CHECK(raw_set(doc, path::parse(".a.b"), "1", why) == edit_result::conflict);
  CHECK_THAT(why, Catch::Contains("not in an object"));
  CHECK(doc == R"({"a":"text"})");
  CHECK(raw_set(doc, path::parse(".a[0]"), "1", why) == edit_result::conflict);
  CHECK_THAT(why, Catch::Contains("not an array"));
  doc = R"({"l":[1]})";
  CHECK(raw_set(doc, path::parse(".l[2]"), "1", why) == edit_result::unchanged);  // no such element
  CHECK(raw_set(doc, path::parse(".m[0].x"), "1", why) == edit_result::unchanged);  // nothing to go into
  CHECK(raw_set(doc, path::parse(".l[role=assistant][-1].x"), "1", why) == edit_result::unchanged);
  CHECK(doc == R"({"l":[1]})");
}

TEST_CASE("del: members and elements with their comma, wherever they stand") {
  CHECK(del(R"({"a":1,"b":2,"c":3})", ".a") == R"({"b":2,"c":3})");
  CHECK(del(R"({"a":1,"b":2,"c":3})", ".b") == R"({"a":1,"c":3})");
  CHECK(del(R"({"a":1, "b":2 ,"c":3 })", ".c") == R"({"a":1, "b":2 })");
  CHECK(del(R"({"a":1})", ".a") == R"({})");
  CHECK(del(R"({"l":[1,2,3]})", ".l[]") == R"({"l":[]})");
  CHECK(del(R"({"l":[1,2,3]})", ".l[-1]") == R"({"l":[1,2]})");
  CHECK(del(R"({"t":[{"role":"tool"},{"role":"user"},{"role":"tool"}]})", ".t[role=tool]") == R"({"t":[{"role":"user"}]})");
  CHECK(del(R"({"a":{"b":1,"c":2}})", ".a.c") == R"({"a":{"b":1}})");
  CHECK(del(R"({"a":1})", ".zz") == R"({"a":1})");
  CHECK(del(R"({"a":1,"b":0,"a":2})", ".a") == R"({"b":0})");  // a repeat would come back into view
}

TEST_CASE("values given on the command line, and JSON string escapes") {
  CHECK(json_value_text("oasst") == "\"oasst\"");
  CHECK(json_value_text("3") == "3");
  CHECK(json_value_text("0.0") == "0.0");  // numbers as written
  CHECK(json_value_text("{\"a\": [1, 2]}") == "{\"a\":[1,2]}");
  CHECK(json_value_text("say \"hi\"\n") == "\"say \\\"hi\\\"\\n\"");
  CHECK(unescape_json_string(R"(a\"b\\c\/d\n\u00e9\ud83d\ude00)") == "a\"b\\c/d\né\xF0\x9F\x98\x80");
  CHECK(minify_json("{ \"a\" : [ 1 , \" x \" ] }") == "{\"a\":[1,\" x \"]}");
}

TEST_CASE("raw_append_member writes what raw_set writes for a missing key") {
  for (const char* json : {R"({"a":1})", R"({ "a" : [1, {"b": 2}] , "c": "}" } )", "{}", "{ }", R"({"x":{"source":1}})"}) {
    std::string fast(json), slow(json), why;
    raw_append_member(fast, "source", "\"oasst\"");
    CHECK(raw_set(slow, path::parse(".source"), "\"oasst\"", why) == edit_result::changed);
    CHECK(fast == slow);
  }
}
