#include <catch2/catch.hpp>

#include "jsift/engine/record_parser.hpp"
#include "jsift/io/units.hpp"

using namespace jsift;

namespace {
// simdjson needs padding after the document.
std::string padded(std::string s) {
  s.reserve(s.size() + simdjson::SIMDJSON_PADDING);
  return s;
}
}  // namespace

TEST_CASE("record_parser accepts objects and classifies the rest") {
  record_parser p(1 << 20);
  simdjson::dom::element root;
  line_problem prob;
  auto ok = padded(R"({"a":1})");
  CHECK(p.parse(ok, root, prob));

  auto arr = padded("[1,2]");
  CHECK_FALSE(p.parse(arr, root, prob));
  CHECK(prob.reason == invalid_reason::not_object);

  auto bad = padded(R"({"a":1,,})");
  CHECK_FALSE(p.parse(bad, root, prob));
  CHECK(prob.reason == invalid_reason::json_syntax);
  CHECK(prob.column == 8);

  auto utf = padded("{\"a\":\"\xff\"}");
  CHECK_FALSE(p.parse(utf, root, prob));
  CHECK(prob.reason == invalid_reason::utf8);
  CHECK(prob.column == 7);
}

TEST_CASE("on-demand would miss errors in untouched fields, the record parser does not") {
  // NOTES-deps pitfall 3: {"id":7,"x":[1,,]} reads id=7 with On-Demand.
  record_parser p(1 << 20);
  simdjson::dom::element root;
  line_problem prob;
  auto s = padded(R"({"id":7,"x":[1,,]})");
  CHECK_FALSE(p.parse(s, root, prob));
}

TEST_CASE("lines over max_line_bytes are line_too_long") {
  record_parser p(16);
  simdjson::dom::element root;
  line_problem prob;
  auto s = padded(R"({"a":"0123456789abcdef"})");
  CHECK_FALSE(p.parse(s, root, prob));
  CHECK(prob.reason == invalid_reason::line_too_long);
  CHECK(prob.message == "line exceeds --max-line-bytes (16 B)");
}

TEST_CASE("human_bytes") {
  CHECK(human_bytes(17) == "17 B");
  CHECK(human_bytes(64 << 20) == "64 MiB");
  CHECK(human_bytes(1536) == "1.5 KiB");
}

TEST_CASE("an integer beyond 64 bits is invalid:number_range, at the number") {
  record_parser p(1 << 20);
  simdjson::dom::element root;
  line_problem prob;
  auto s = padded(R"({"a":1,"id":123456789012345678901234})");
  CHECK_FALSE(p.parse(s, root, prob));
  CHECK(prob.reason == invalid_reason::number_range);
  CHECK(prob.column == 13);
  CHECK(reason_key(prob.reason) == "number_range");
}
