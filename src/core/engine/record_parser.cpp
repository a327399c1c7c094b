#include "jsift/engine/record_parser.hpp"

#include <fmt/format.h>

#include "jsift/engine/error_locator.hpp"
#include "jsift/io/units.hpp"

namespace jsift {

std::string_view reason_key(invalid_reason r) noexcept {
  switch (r) {
    case invalid_reason::json_syntax: return "json_syntax";
    case invalid_reason::utf8: return "utf8";
    case invalid_reason::not_object: return "not_object";
    case invalid_reason::line_too_long: return "line_too_long";
    case invalid_reason::number_range: return "number_range";
    case invalid_reason::depth: return "depth";
    case invalid_reason::count_: break;
  }
  return "unknown";
}

// simdjson's parser takes its maximum document size in the constructor
// (set_max_capacity() is inverted in 3.0.1, NOTES-deps.md pitfall 2). It
// rounds every document's capacity up to 64 bytes, so a smaller maximum
// refused small valid lines ("can't support a document that big" for an
// 8-byte record under --max-line-bytes 9): the parser gets the rounded size,
// and parse() enforces the limit itself.
record_parser::record_parser(size_t max_line_bytes)
    : max_(max_line_bytes), parser_((max_line_bytes + 63) / 64 * 64) {}

bool record_parser::parse(std::string_view line, simdjson::dom::element& root, line_problem& problem) {
  if (line.size() > max_) {
    problem.reason = invalid_reason::line_too_long;
    problem.column = max_ + 1;
    problem.message = fmt::format("line exceeds --max-line-bytes ({})", human_bytes(max_));
    return false;
  }
  auto err = parser_.parse(line.data(), line.size(), false).get(root);
  if (!err) {
    if (root.type() == simdjson::dom::element_type::OBJECT) return true;
    problem.reason = invalid_reason::not_object;
    problem.column = 1;
    problem.message = "not an object (each line must hold one JSON object)";
    return false;
  }
  // The slow path: say where and why, in words.
  if (auto p = find_json_problem(line)) {
    problem.reason = p->utf8           ? invalid_reason::utf8
                     : p->number_range ? invalid_reason::number_range
                     : p->depth        ? invalid_reason::depth
                                       : invalid_reason::json_syntax;
    problem.column = p->offset + 1;
    problem.message = std::move(p->message);
    // A line that only opens an object is the first line of a pretty-printed
    // JSON file: name the option that reads one.
    std::string_view t = line;
    if (t.starts_with("\xEF\xBB\xBF")) t.remove_prefix(3);
    while (!t.empty() && (t.back() == ' ' || t.back() == '\t' || t.back() == '\r')) t.remove_suffix(1);
    while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
    if (t == "{") problem.message += " (a pretty-printed JSON file? --input-format json reads one JSON value per file)";
  } else {
    // Valid JSON the locator does not explain: say what simdjson said.
    problem.reason = invalid_reason::json_syntax;
    problem.column = 1;
    problem.message = simdjson::error_message(err);
  }
  return false;
}

}  // namespace jsift
