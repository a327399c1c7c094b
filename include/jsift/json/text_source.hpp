// jsift/json/text_source.hpp — the texts a record gives for measuring
// (`diversity`) or comparing (`dedup --near`): the strings at a path, or the
// automatic choice below. Thread-safe (const; the views it gives are valid
// until the next call on the same thread).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "jsift/json/path.hpp"

namespace jsift {

// The texts of a record for one column: the strings at a path (each string
// one text), or `auto`: the assistant messages of the conversation (found as
// --turns finds it; a message's content, value or text, typed parts joined
// by newlines), else the first of .output .response .answer .chosen
// .completion that is a string, else every top-level string.
class text_source {
 public:
  static text_source automatic() { return text_source(); }
  // A bad path is an option_error naming `field` (the flag or key it came from).
  static text_source at(const std::string& path_text, std::string_view field = "text");
  std::string name() const { return path_ ? path_text_ : "auto"; }
  bool is_auto() const { return !path_; }
  // Appends the record's texts to `out` (views into the record's DOM or into
  // `storage`, valid until the next call on this thread); the auto rule that
  // chose them (rule_names), or 0 for a path.
  size_t texts(simdjson::dom::element root, std::vector<std::string_view>& out) const;
  static constexpr std::string_view rule_names[] = {"assistant messages", "an answer field", "every top-level string"};

 private:
  text_source() = default;
  std::optional<path> path_;
  std::string path_text_;
};

// The texts of several sources joined by one space into `out` (cleared
// first); false when no source gives a text.
bool joined_texts(const std::vector<text_source>& sources, simdjson::dom::element root, std::string& out);
// Their names joined by commas: ".prompt,.response" (what near indexes and stage files record).
std::string names_of(const std::vector<text_source>& sources);

}  // namespace jsift
