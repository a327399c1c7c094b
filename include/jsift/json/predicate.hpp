// jsift/json/predicate.hpp — record predicates (filter, gate, run), built once
// from the shorthand flags and evaluated on each record's DOM.
//
//   --turns MIN..MAX    length of the conversation array (path: --turns-path,
//                       else the first of .turns .messages .conversations
//                       .training_pairs that the record has)
//   --len PATH=MIN..MAX length of every value at PATH: a string in characters
//                       (code points), an array in elements, an object in
//                       members; other types never match
//   --eq PATH=VALUE     some value at PATH equals VALUE
//   --ne PATH=VALUE     no value at PATH equals VALUE (missing counts as not equal)
//   --has PATH          PATH reaches a value (null included)
//   --nonempty PATH     PATH reaches values and none is null, "", a string of
//                       only whitespace, [] or {}
//   --bytes MIN..MAX    the record's size in bytes (without line ending)
//   --match PATH=REGEX  some string value at PATH matches the RE2 regex
//                       (unanchored; non-strings match as minified JSON)
//
// VALUE is read as JSON when it is JSON (`true`, `3`, `null`, `"text"`),
// otherwise as a string (`--eq .record_type=chat`). Numbers compare by
// value (1 == 1.0). Ranges are inclusive; either end may be omitted.
// Predicates are immutable after construction and safe to share across
// threads (RE2 matching is thread-safe).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "jsift/json/path.hpp"

namespace jsift {

struct range {
  std::optional<uint64_t> lo, hi;
  // "5..10", "5..", "..10", "7"; throws usage_error naming `flag`.
  static range parse(std::string_view text, std::string_view flag);
  bool contains(uint64_t v) const { return (!lo || v >= *lo) && (!hi || v <= *hi); }
  std::string text() const;
};

// The conversation array of a record: the first of .turns, .messages,
// .conversations, .training_pairs that is present.
std::optional<simdjson::dom::element> find_conversation(simdjson::dom::element root);

// A top-level key's place in that order (0 for "turns" ... 3), or 4 if it is
// not a conversation key: lets a loop over a record's keys find the
// conversation without looking each candidate up again.
inline int conversation_rank(std::string_view key) noexcept {
  switch (key.size()) {
    case 5: return key == "turns" ? 0 : 4;
    case 8: return key == "messages" ? 1 : 4;
    case 13: return key == "conversations" ? 2 : 4;
    case 14: return key == "training_pairs" ? 3 : 4;
    default: return 4;
  }
}

class predicate {
 public:
  virtual ~predicate() = default;
  virtual bool test(std::string_view line, simdjson::dom::element root) const = 0;
  // How the user wrote it: "--turns 5..10" (also the disposition suffix).
  const std::string& name() const { return name_; }

 protected:
  explicit predicate(std::string name) : name_(std::move(name)) {}

 private:
  std::string name_;
};

std::unique_ptr<predicate> make_turns(range r, std::optional<path> conversation_path);
std::unique_ptr<predicate> make_len(std::string_view path_eq_range);
std::unique_ptr<predicate> make_eq(std::string_view path_eq_value, bool negate);
std::unique_ptr<predicate> make_has(std::string_view path_text);
std::unique_ptr<predicate> make_nonempty(std::string_view path_text);
std::unique_ptr<predicate> make_bytes(range r);
std::unique_ptr<predicate> make_match(std::string_view path_eq_regex);

// Length of a value in the sense of --len; nullopt for scalars other than strings.
std::optional<uint64_t> value_length(simdjson::dom::element v);

}  // namespace jsift
