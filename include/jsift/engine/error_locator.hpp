// jsift/engine/error_locator.hpp — finds where and why a line is not valid JSON, in
// the words of a person ("expected ',' or '}' after object member").
//
// simdjson's DOM parser says only that a document is bad; this slow path runs
// on the (rare) lines it rejects to name the byte and the problem. It checks
// UTF-8 first, then the grammar of RFC 8259 with an explicit stack (no
// recursion, any depth). Pure function, thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace jsift {

struct json_problem {
  size_t offset;  // 0-based byte offset of the problem in the text
  bool utf8;      // the problem is invalid UTF-8
  std::string message;
  bool number_range = false;  // valid JSON, but a number simdjson cannot hold
  bool depth = false;         // nested deeper than simdjson's 1024 levels
};

// The first problem in `text`, or nullopt if it is one valid JSON value.
// Numbers simdjson cannot represent (integers beyond 64 bits, floats beyond
// a double) are reported too, with number_range set.
std::optional<json_problem> find_json_problem(std::string_view text);

// Offset of the first invalid UTF-8 byte, or npos.
size_t find_invalid_utf8(std::string_view text) noexcept;

}  // namespace jsift
