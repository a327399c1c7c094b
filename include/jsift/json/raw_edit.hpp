// jsift/json/raw_edit.hpp — reading and editing a record's JSON text in
// place, so that everything an edit does not touch keeps its bytes
// (numbers as written, escapes, key order, spacing): `jsift set`, `cut`.
//
// Works on text the record parser has already validated (one JSON object
// per line); paths as json/path.hpp parses them, including role steps.
// A span is [begin, end) into the text.
//
// Editing: set() replaces the value at a path, or adds the member (new
// members go last in their object, missing objects on the way are created),
// del() removes members or elements (and one separating comma). Both take
// every value a multi path reaches. Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "jsift/json/path.hpp"

namespace jsift {

struct raw_span {
  size_t begin = 0, end = 0;
  std::string_view of(std::string_view text) const { return text.substr(begin, end - begin); }
};

// The spans of the values `p` reaches in `json`, in document order.
std::vector<raw_span> raw_values(std::string_view json, const path& p);

// The members of the object, or the elements of the array, that starts at
// json[at]: each with its key's span, quotes included (empty for an array
// element), and its value's span.
struct raw_item {
  raw_span key, value;
};
std::vector<raw_item> raw_items(std::string_view json, size_t at);
// A key span's name, unescaped.
std::string raw_key_name(std::string_view json, const raw_span& key);

// A JSON string's content (without quotes) unescaped, and the other way:
// `text` as a JSON string, quotes included (json_writer's escaping).
std::string unescape_json_string(std::string_view content);
std::string json_string(std::string_view text);

// `json` with whitespace outside strings removed (simdjson's minifier).
std::string minify_json(std::string_view json);

// The text of a value given on the command line: itself (minified) when it
// is JSON, else as a JSON string ("oasst" -> "\"oasst\"").
std::string json_value_text(std::string_view text);

enum class edit_result { changed, unchanged, conflict };

// Sets the value at `p` to `value` (JSON text), where `p` reaches a value
// or can be created (missing keys at its end, a null standing for the
// object they go in); a missing key before an
// index, or an index out of range, sets nothing there. conflict: a step
// meets a value of the wrong type (a key into a string, an index into an
// object): `why` says where.
edit_result raw_set(std::string& json, const path& p, std::string_view value, std::string& why);
// Removes what `p` reaches; unchanged if it reaches nothing.
edit_result raw_del(std::string& json, const path& p);
// Adds "key":value as the last member of the record's object, where the
// caller knows the key is not there (set's fast path: raw_set would walk
// every member to find that out); the same bytes raw_set writes.
void raw_append_member(std::string& json, std::string_view key, std::string_view value);

}  // namespace jsift
