// jsift/engine/record_parser.hpp — full validation of one line as a JSONL record.
//
// Owns one simdjson DOM parser (not thread-safe: one per worker thread; it
// keeps its high-water capacity, bounded by max_line_bytes). A record is a
// line that is valid UTF-8, valid JSON (every byte checked, unlike On-Demand)
// and an object. Problems are values, never exceptions: the hot path stays
// exception-free. The line must be followed by SIMDJSON_PADDING readable bytes.
// The element and document a parse gives out belong to the parser: valid
// until its next parse, and only while the line's bytes are.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <simdjson.h>

namespace jsift {

enum class invalid_reason : uint8_t { json_syntax, utf8, not_object, line_too_long, number_range, depth, count_ };

// "json_syntax", "utf8", "not_object", "line_too_long", "number_range", "depth":
// the disposition suffix (`invalid:utf8`).
std::string_view reason_key(invalid_reason r) noexcept;

struct line_problem {
  invalid_reason reason = invalid_reason::json_syntax;
  size_t column = 1;  // 1-based byte column
  std::string message;
};

class record_parser {
 public:
  explicit record_parser(size_t max_line_bytes);
  // True and `root` set for a valid record; false and `problem` filled.
  bool parse(std::string_view line, simdjson::dom::element& root, line_problem& problem);
  size_t max_line_bytes() const { return max_; }
  // The document of the last successful parse (its tape: record_key.hpp).
  const simdjson::dom::document& document() const { return parser_.doc; }

 private:
  size_t max_;
  simdjson::dom::parser parser_;
};

}  // namespace jsift
