// jsift/json/path.hpp — jq-style field paths, compiled once and evaluated on each
// record's DOM.
//
// Syntax: `.` (the record), `.key`, `."any key"`, `.["any key"]`, `.a.b`,
// `.a[0]`, `.a[-1]` (from the end), `.a[]` (every element, or every member
// value of an object), in any combination: `.turns[].content`,
// `.input_parameters.persona_key`. A missing key, an index out of range or a
// step into a value of the wrong type yields no value (not an error).
// Role-aware: `.turns[role=assistant]` is every message of that role (the
// "role", else "from", mapped as json/conversation.hpp says: `gpt`, `bot`
// and `model` are assistant, `human` is user...), `[role=NAME][N]` the N-th
// of them (`[role=assistant][-1]`: the last assistant message), so
// `.conversations[role=assistant][-1].value` works on ShareGPT records.
// A compiled path is immutable and safe to share between threads; the
// elements it reaches belong to the record's DOM and live as long as it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

namespace jsift {

class path {
 public:
  // Throws usage_error naming the offending character.
  static path parse(std::string_view text);

  const std::string& text() const { return text_; }
  // True when the path can yield more than one value (it has `[]`).
  bool is_multi() const { return multi_; }

  // Calls f(element) for every value the path reaches, in document order.
  template <class F>
  void visit(simdjson::dom::element root, F&& f) const {
    visit_from(root, 0, f);
  }
  // The first value reached, if any.
  std::optional<simdjson::dom::element> first(simdjson::dom::element root) const;

  // The compiled steps, for walkers of other representations (json/raw_edit).
  enum class op : uint8_t { key, index, each, role };
  struct step {
    op kind;
    std::string name;
    int64_t index = 0;
    uint8_t role = 0;         // op::role: the jsift::role it selects
    bool has_index = false;   // op::role: [role=NAME][N]
  };
  const std::vector<step>& steps() const { return steps_; }

 private:
  static bool role_matches(simdjson::dom::element message, uint8_t role);

  template <class F>
  void visit_from(simdjson::dom::element v, size_t i, F& f) const {
    using simdjson::dom::element_type;
    for (; i < steps_.size(); ++i) {
      const step& s = steps_[i];
      if (s.kind == op::key) {
        if (v.type() != element_type::OBJECT) return;
        if (v.get_object().at_key(s.name).get(v)) return;
      } else if (s.kind == op::index) {
        if (v.type() != element_type::ARRAY) return;
        simdjson::dom::array a = v.get_array();
        int64_t n = int64_t(a.size());
        int64_t k = s.index < 0 ? n + s.index : s.index;
        if (k < 0 || k >= n) return;
        if (a.at(size_t(k)).get(v)) return;
      } else if (s.kind == op::role) {
        if (v.type() != element_type::ARRAY) return;
        simdjson::dom::array a = v.get_array();
        if (!s.has_index) {
          for (simdjson::dom::element e : a)
            if (role_matches(e, s.role)) visit_from(e, i + 1, f);
          return;
        }
        int64_t k = s.index;
        if (k < 0) {  // from the end: count the matches first
          for (simdjson::dom::element e : a) k += role_matches(e, s.role);
          if (k < 0) return;
        }
        for (simdjson::dom::element e : a)
          if (role_matches(e, s.role) && k-- == 0) {
            visit_from(e, i + 1, f);
            return;
          }
        return;
      } else {
        if (v.type() == element_type::ARRAY) {
          for (simdjson::dom::element e : v.get_array()) visit_from(e, i + 1, f);
        } else if (v.type() == element_type::OBJECT) {
          for (auto field : v.get_object()) visit_from(field.value, i + 1, f);
        }
        return;
      }
    }
    f(v);
  }

  std::vector<step> steps_;
  std::string text_;
  bool multi_ = false;
};

}  // namespace jsift
