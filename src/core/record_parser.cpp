#include "jsift/record_parser.hpp"

#include <charconv>
#include <cctype>
#include <cmath>

#include <fmt/format.h>

#include "jsift/error.hpp"

#include "jsift/json_error.hpp"

namespace jsift {

std::string_view reason_key(invalid_reason r) noexcept {
  switch (r) {
    case invalid_reason::json_syntax: return "json_syntax";
    case invalid_reason::utf8: return "utf8";
    case invalid_reason::not_object: return "not_object";
    case invalid_reason::line_too_long: return "line_too_long";
    case invalid_reason::number_range: return "number_range";
    case invalid_reason::count_: break;
  }
  return "unknown";
}

std::string human_bytes(uint64_t n) {
  static constexpr const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  double v = double(n);
  while (v >= 1024 && u < 4) v /= 1024, ++u;
  if (u == 0) return fmt::format("{} B", n);
  if (v == double(uint64_t(v))) return fmt::format("{} {}", uint64_t(v), units[u]);
  return fmt::format("{:.1f} {}", v, units[u]);
}

// simdjson's parser takes its maximum document size in the constructor
// (set_max_capacity() is inverted in 3.0.1, NOTES-deps.md pitfall 2).
record_parser::record_parser(size_t max_line_bytes) : max_(max_line_bytes), parser_(max_line_bytes) {}

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
    problem.reason = p->utf8 ? invalid_reason::utf8 : p->number_range ? invalid_reason::number_range : invalid_reason::json_syntax;
    problem.column = p->offset + 1;
    problem.message = std::move(p->message);
  } else {
    // Valid JSON the locator does not explain: say what simdjson said.
    problem.reason = invalid_reason::json_syntax;
    problem.column = 1;
    problem.message = simdjson::error_message(err);
  }
  return false;
}

uint64_t parse_size(std::string_view text, std::string_view flag) {
  double v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || v < 0) throw usage_error(fmt::format("{}: expected a size such as 64MiB, got '{}'", flag, text));
  std::string unit(p, text.data() + text.size());
  for (auto& c : unit) c = char(std::tolower(static_cast<unsigned char>(c)));
  double mult;
  if (unit.empty() || unit == "b") mult = 1;
  else if (unit == "k" || unit == "kb" || unit == "kib") mult = 1024.0;
  else if (unit == "m" || unit == "mb" || unit == "mib") mult = 1024.0 * 1024;
  else if (unit == "g" || unit == "gb" || unit == "gib") mult = 1024.0 * 1024 * 1024;
  else throw usage_error(fmt::format("{}: unknown size unit in '{}' (use K, M or G)", flag, text));
  return uint64_t(std::llround(v * mult));
}

}  // namespace jsift
