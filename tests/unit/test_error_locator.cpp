#include <catch2/catch.hpp>

#include <string>

#include "jsift/engine/error_locator.hpp"

using jsift::find_json_problem;

TEST_CASE("valid JSON has no problem") {
  for (const char* ok : {R"({})", R"({"a":[1,2.5e-3,-0,true,false,null,"x\u00e9\ud83d\ude00"]})", R"(  [ ]  )", R"("s")", "0"})
    CHECK_FALSE(find_json_problem(ok).has_value());
}

TEST_CASE("problems are located at the offending byte with a readable message") {
  struct row {
    const char* text;
    size_t offset;
    const char* message;
  };
  const row rows[] = {
      {R"({"a": 1 "b": 2})", 8, "expected ',' or '}' after object member"},
      {R"([1, 2 3])", 6, "expected ',' or ']' after array element"},
      {R"({"a" 1})", 5, "expected ':' after object key"},
      {R"({a: 1})", 1, "expected a string key in double quotes"},
      {R"({"a": tru})", 6, "invalid literal (expected 'true')"},
      {R"({"a": 01})", 6, "invalid number: leading zero"},
      {R"({"a": "x)", 8, "unterminated string"},
      {R"({"a": 1)", 7, "unexpected end of line, expected ',' or '}'"},
      {R"({"a": 1} x)", 9, "unexpected content after the JSON value"},
      {R"({"a": "\q"})", 7, "invalid escape '\\q' in string"},
      {R"([1,])", 3, "expected a value"},
      {R"({'a': 1})", 1, "expected a string key in double quotes"},
      {R"({"a": "\ud800"})", 7, "invalid \\u escape: high surrogate without a low surrogate"},
  };
  for (const auto& r : rows) {
    INFO(r.text);
    auto p = find_json_problem(r.text);
    REQUIRE(p.has_value());
    CHECK(p->offset == r.offset);
    CHECK(p->message == r.message);
    CHECK_FALSE(p->utf8);
  }
}

TEST_CASE("control characters in strings are rejected") {
  std::string s = "{\"a\": \"x\ty\"}";
  auto p = find_json_problem(s);
  REQUIRE(p);
  CHECK(p->offset == 8);
}

TEST_CASE("invalid UTF-8 is found before grammar") {
  std::string s = "{\"a\": \"caf\xe9\"}";
  auto p = find_json_problem(s);
  REQUIRE(p);
  CHECK(p->utf8);
  CHECK(p->offset == 10);
  CHECK(jsift::find_invalid_utf8("\xed\xa0\x80") == 0);      // encoded surrogate
  CHECK(jsift::find_invalid_utf8("\xc0\xaf") == 0);          // overlong
  CHECK(jsift::find_invalid_utf8("ok \xf0\x9f\x98") == 3);   // truncated sequence
  CHECK(jsift::find_invalid_utf8("é 😀 中") == std::string_view::npos);
}

TEST_CASE("deep nesting is an error, not a stack overflow") {
  std::string s(5000, '[');
  auto p = find_json_problem(s);
  REQUIRE(p);
  CHECK(p->message.find("nesting deeper") != std::string::npos);
}

TEST_CASE("numbers simdjson cannot hold are located and named") {
  for (const char* t : {R"({"id":123456789012345678901})", R"({"id":-9223372036854775809})", R"({"x":1e400})"}) {
    INFO(t);
    auto p = find_json_problem(t);
    REQUIRE(p);
    CHECK(p->number_range);
    CHECK(p->offset == std::string(t).find(':') + 1);  // the number's first byte
    CHECK(p->message.find("number out of range") == 0);
  }
  for (const char* t : {R"({"id":18446744073709551615})", R"({"id":-9223372036854775808})", R"({"x":1e300})"}) {
    INFO(t);
    CHECK_FALSE(find_json_problem(t).has_value());
  }
}
