// jsift/json/predicate.hpp — record predicates (filter, gate, run), built once
// from the shorthand flags and evaluated on each record's DOM.
//
//   --turns MIN..MAX    the conversation's turns in MIN..MAX, counted as
//                       --turns-count says (json/conversation.hpp: where the
//                       conversation is, what a turn is; --turns-path names it)
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

#include "jsift/json/conversation.hpp"
#include "jsift/json/path.hpp"

namespace jsift {

struct range {
  std::optional<uint64_t> lo, hi;
  // "5..10", "5..", "..10", "7"; throws usage_error naming `flag`.
  static range parse(std::string_view text, std::string_view flag);
  bool contains(uint64_t v) const { return (!lo || v >= *lo) && (!hi || v <= *hi); }
  std::string text() const;
};

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

std::unique_ptr<predicate> make_turns(range r, std::optional<path> conversation_path, turn_unit unit = turn_unit::elements);
// Whether a turns predicate met records without a conversation, and whether
// it met any with one (a --turns that never saw a conversation filters
// everything: the command warns). Counted from any thread.
struct conversation_tally {
  uint64_t without = 0;
  bool any_with = false;
};
std::optional<conversation_tally> tally_of(const predicate& p);  // nullopt: not a turns predicate
std::unique_ptr<predicate> make_len(std::string_view path_eq_range);
std::unique_ptr<predicate> make_eq(std::string_view path_eq_value, bool negate);
std::unique_ptr<predicate> make_has(std::string_view path_text);
std::unique_ptr<predicate> make_nonempty(std::string_view path_text);
std::unique_ptr<predicate> make_bytes(range r);
std::unique_ptr<predicate> make_match(std::string_view path_eq_regex);

// Length of a value in the sense of --len; nullopt for scalars other than strings.
std::optional<uint64_t> value_length(simdjson::dom::element v);

}  // namespace jsift
