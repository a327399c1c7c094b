#include <catch2/catch.hpp>

#include "jsift/error.hpp"
#include "jsift/record_key.hpp"

using namespace jsift;

namespace {
hash128 key_of(const key_spec& spec, const std::string& json, bool* has = nullptr) {
  simdjson::dom::parser parser;
  simdjson::dom::element root = parser.parse(json);
  key_hasher kh(spec);
  hash128 h{};
  bool ok = kh.hash(root, h);
  if (has) *has = ok;
  return h;
}
bool same(const key_spec& s, const std::string& a, const std::string& b) { return key_of(s, a) == key_of(s, b); }
}  // namespace

TEST_CASE("whole records compare as JSON values") {
  key_spec s;
  CHECK(same(s, R"({"a":1,"b":[1,2]})", R"({ "b" : [ 1 , 2 ] , "a" : 1 })"));  // key order, whitespace
  CHECK(same(s, R"({"t":"\u00e9\n"})", "{\"t\":\"\xc3\xa9\\n\"}"));              // escapes
  CHECK(same(s, R"({"n":1})", R"({"n":1.0})"));                                 // integral double == integer
  CHECK(same(s, R"({"n":100})", R"({"n":1e2})"));
  CHECK(same(s, R"({"n":0})", R"({"n":-0.0})"));
  CHECK_FALSE(same(s, R"({"n":1})", R"({"n":1.5})"));
  CHECK_FALSE(same(s, R"({"n":1})", R"({"n":"1"})"));                           // types differ
  CHECK_FALSE(same(s, R"({"a":[1,2]})", R"({"a":[2,1]})"));                     // arrays keep order
  CHECK_FALSE(same(s, R"({"a":{"b":1}})", R"({"a":{"B":1}})"));                 // keys exact
  CHECK_FALSE(same(s, R"({"a":"x","b":"y"})", R"({"a":"xb","":"y"})"));         // no aliasing
  CHECK_FALSE(same(s, R"({"a":null})", R"({"a":false})"));
  CHECK(same(s, R"({"o":{"y":[{"q":1,"p":2}],"x":true}})", R"({"o":{"x":true,"y":[{"p":2,"q":1}]}})"));  // nested
}

TEST_CASE("normalisation applies to string values only") {
  key_spec s;
  s.norm = normalization::parse("ws,case");
  CHECK(same(s, R"({"t":"Hello   World "})", R"({"t":" hello world"})"));
  CHECK_FALSE(same(s, R"({"T":"x"})", R"({"t":"x"})"));
  CHECK_FALSE(same(s, R"({"t":"hello, world"})", R"({"t":"hello world"})"));
  s.norm = normalization::parse("punct,ws,case");
  CHECK(same(s, R"({"t":"Hello, world!"})", R"({"t":"hello world"})"));
  std::string out;
  normalize_text("  A\t\tB\n", normalization::parse("ws"), out);
  CHECK(out == "A B");
  normalize_text("It's-OK", normalization::parse("punct,case"), out);
  CHECK(out == "itsok");
  CHECK(normalization::parse("case,ws").text() == "ws,case");
  CHECK(normalization::parse("none").text() == "none");
  CHECK_THROWS_AS(normalization::parse("ws,loud"), usage_error);
}

TEST_CASE("key paths form a tuple, missing paths are marked") {
  key_spec s;
  s.paths = {path::parse(".a"), path::parse(".b")};
  CHECK(same(s, R"({"a":1,"b":2,"c":3})", R"({"b":2,"a":1,"c":4})"));
  CHECK_FALSE(same(s, R"({"a":"x"})", R"({"b":"x"})"));
  bool has = true;
  key_of(s, R"({"c":1})", &has);
  CHECK_FALSE(has);
  s.paths = {path::parse(".turns[].content")};
  CHECK(same(s, R"({"turns":[{"content":"a"},{"content":"b"}],"id":1})", R"({"id":2,"turns":[{"content":"a","role":"x"},{"content":"b"}]})"));
  CHECK_FALSE(same(s, R"({"turns":[{"content":"a"},{"content":"b"}]})", R"({"turns":[{"content":"b"},{"content":"a"}]})"));
}

TEST_CASE("key spec text names paths and normalisation") {
  key_spec s;
  CHECK(s.text() == "record;normalize=none");
  s.paths = {path::parse(".a"), path::parse(".b[]")};
  s.norm.ws = true;
  CHECK(s.text() == ".a,.b[];normalize=ws");
}
