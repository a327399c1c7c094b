#include "jsift/json/conversation.hpp"

#include <array>
#include <utility>

#include <fmt/format.h>

#include "jsift/error.hpp"

namespace jsift {
namespace dom = simdjson::dom;
using dom::element_type;

namespace {

// Case-insensitive (ASCII) equality with a lowercase name.
bool same_name(std::string_view s, std::string_view lower) {
  if (s.size() != lower.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = char(c + 32);
    if (c != lower[i]) return false;
  }
  return true;
}

constexpr std::array<std::pair<std::string_view, role>, 15> role_names{{
    {"user", role::user},
    {"human", role::user},
    {"prompter", role::user},
    {"assistant", role::assistant},
    {"gpt", role::assistant},
    {"bot", role::assistant},
    {"model", role::assistant},
    {"chatgpt", role::assistant},
    {"system", role::system},
    {"tool", role::tool},
    {"function", role::tool},
    {"observation", role::tool},
    {"ipython", role::tool},
    {"tool_response", role::tool},
    {"other", role::other},
}};

std::optional<std::string_view> string_member(dom::object o, std::string_view key) {
  dom::element v;
  std::string_view s;
  if (o.at_key(key).get(v) || v.get_string().get(s)) return std::nullopt;
  return s;
}

// Calls f(role) for each message of a conversation value, in order; false
// when the value holds no conversation.
template <class F>
bool for_each_message(dom::element conv, F&& f) {
  if (conv.type() == element_type::STRING) {
    std::string_view t = conv.get_string().value_unsafe();
    if (!is_text_dialogue(t)) return false;
    auto marker = [&](std::string_view rest) {  // at the start, or right after a blank line
      if (rest.starts_with("Human:")) f(role::user);
      else if (rest.starts_with("Assistant:")) f(role::assistant);
    };
    marker(t);
    for (size_t at = t.find("\n\n"); at != std::string_view::npos; at = t.find("\n\n", at + 1)) marker(t.substr(at + 2));
    return true;
  }
  if (conv.type() != element_type::ARRAY) return false;
  for (dom::element m : conv.get_array()) {
    if (m.type() == element_type::OBJECT) {
      dom::object o = m.get_object().value_unsafe();
      dom::element v;
      if (!o.at_key("role").get(v) || !o.at_key("from").get(v)) {
        f(role_of(m));
        continue;
      }
      const bool has_user = !o.at_key("user").get(v), has_bot = !o.at_key("bot").get(v);
      if (has_user || has_bot) {  // an MT-Bench {user, bot} pair
        if (has_user) f(role::user);
        if (has_bot) f(role::assistant);
        continue;
      }
      f(role::other);
    } else if (m.type() == element_type::ARRAY && m.get_array().size() == 2) {  // [user text, bot text]
      f(role::user);
      f(role::assistant);
    } else {
      f(role::other);
    }
  }
  return true;
}

}  // namespace

std::optional<role> role_of_name(std::string_view name) {
  if (name.empty()) return std::nullopt;
  for (auto [n, r] : role_names)
    if (same_name(name, n)) return r;
  return std::nullopt;
}

std::string_view role_name(role r) {
  switch (r) {
    case role::user: return "user";
    case role::assistant: return "assistant";
    case role::system: return "system";
    case role::tool: return "tool";
    default: return "other";
  }
}

role role_of(dom::element message) {
  dom::object o;
  if (message.get_object().get(o)) return role::other;
  auto name = string_member(o, "role");
  if (!name) name = string_member(o, "from");
  if (!name) return role::other;
  return role_of_name(*name).value_or(role::other);
}

turn_unit parse_turn_unit(std::string_view text, std::string_view flag) {
  for (turn_unit u : {turn_unit::elements, turn_unit::messages, turn_unit::user, turn_unit::assistant, turn_unit::exchanges})
    if (text == turn_unit_name(u)) return u;
  throw option_error(std::string(flag), fmt::format("expected elements, messages, user, assistant or exchanges; got '{}'", text));
}

std::string_view turn_unit_name(turn_unit u) {
  switch (u) {
    case turn_unit::elements: return "elements";
    case turn_unit::messages: return "messages";
    case turn_unit::user: return "user";
    case turn_unit::assistant: return "assistant";
    default: return "exchanges";
  }
}

// Only a text that opens with a Human marker is looked through: any other
// string (every `chosen` answer of a plain preference pair) is rejected at
// its first bytes, and `stats` does not scan answers for markers.
bool is_text_dialogue(std::string_view t) {
  if (!t.starts_with("Human:") && !t.starts_with("\n\nHuman:")) return false;
  for (size_t at = t.find("\n\n"); at != std::string_view::npos; at = t.find("\n\n", at + 1))
    if (t.substr(at + 2).starts_with("Assistant:")) return true;
  return false;
}

bool is_conversation(int rank, dom::element value) {
  if (rank < 6) return true;
  if (rank > 6) return false;
  std::string_view s;
  return !value.get_string().get(s) && is_text_dialogue(s);
}

std::optional<dom::element> find_conversation(dom::element root) {
  dom::object obj;
  if (root.get_object().get(obj)) return std::nullopt;
  std::optional<dom::element> best;
  int best_rank = no_conversation_rank;
  for (auto field : obj) {
    int r = conversation_rank(field.key);
    // strict: a repeated key keeps its first value
    if (r < best_rank && is_conversation(r, field.value)) best_rank = r, best = field.value;
    if (r == 0) break;
  }
  return best;
}

std::optional<uint64_t> count_turns(dom::element conv, turn_unit u) {
  if (u == turn_unit::elements && conv.type() == element_type::ARRAY) return conv.get_array().size();
  uint64_t n = 0;
  bool pending_user = false;
  bool ok = for_each_message(conv, [&](role r) {
    switch (u) {
      case turn_unit::elements:
      case turn_unit::messages: ++n; break;
      case turn_unit::user: n += r == role::user; break;
      case turn_unit::assistant: n += r == role::assistant; break;
      case turn_unit::exchanges:
        if (r == role::user) pending_user = true;
        else if (r == role::assistant && pending_user) ++n, pending_user = false;
        break;
    }
  });
  if (!ok) return std::nullopt;
  return n;
}

namespace {

// Appends the text of a message's content: a string, or a list of parts
// (strings, or objects with "text", "value" or "content" strings) joined by
// newlines.
void text_into(dom::element v, std::string& out) {
  std::string_view sv;
  if (!v.get_string().get(sv)) {
    out += sv;
    return;
  }
  dom::array parts;
  if (v.get_array().get(parts)) return;
  const size_t start = out.size();
  for (dom::element p : parts) {
    std::string_view t;
    bool found = !p.get_string().get(t);
    dom::object o;
    if (!found && !p.get_object().get(o))
      for (const char* k : {"text", "value", "content"})
        if (auto s = string_member(o, k)) {
          t = *s;
          found = true;
          break;
        }
    if (!found) continue;
    if (out.size() > start) out += '\n';  // between the parts that have text
    out += t;
  }
}

std::string_view trim(std::string_view t) {
  while (!t.empty() && (t.front() == ' ' || t.front() == '\n' || t.front() == '\r' || t.front() == '\t')) t.remove_prefix(1);
  while (!t.empty() && (t.back() == ' ' || t.back() == '\n' || t.back() == '\r' || t.back() == '\t')) t.remove_suffix(1);
  return t;
}

}  // namespace

bool messages_of(dom::element conv, std::vector<message>& out) {
  // The vector's strings are reused (their capacity stays from record to record).
  size_t n = 0;
  auto next = [&](jsift::role r) -> std::string& {
    if (n == out.size()) out.emplace_back();
    message& m = out[n++];
    m.role = r;
    m.text.clear();
    return m.text;
  };
  std::string_view text;
  if (!conv.get_string().get(text)) {
    if (!is_text_dialogue(text)) {
      out.clear();
      return false;
    }
    // Marker positions in order, then each message runs to the next marker.
    struct mark {
      size_t at, body;
      jsift::role r;
    };
    std::vector<mark> marks;
    auto check = [&](size_t at) {
      std::string_view rest = text.substr(at);
      if (rest.starts_with("Human:")) marks.push_back({at, at + 6, role::user});
      else if (rest.starts_with("Assistant:")) marks.push_back({at, at + 10, role::assistant});
    };
    check(0);
    for (size_t at = text.find("\n\n"); at != std::string_view::npos; at = text.find("\n\n", at + 1)) check(at + 2);
    for (size_t i = 0; i < marks.size(); ++i) {
      size_t end = i + 1 < marks.size() ? marks[i + 1].at : text.size();
      next(marks[i].r) = trim(text.substr(marks[i].body, end - marks[i].body));
    }
    out.resize(n);
    return true;
  }
  dom::array arr;
  if (conv.get_array().get(arr)) {
    out.clear();
    return false;
  }
  for (dom::element m : arr) {
    dom::object o;
    if (!m.get_object().get(o)) {
      dom::element v;
      if (!o.at_key("role").get(v) || !o.at_key("from").get(v)) {
        std::string& t = next(role_of(m));
        for (const char* k : {"content", "value", "text"})
          if (!o.at_key(k).get(v)) {
            text_into(v, t);
            break;
          }
        continue;
      }
      const bool has_user = !o.at_key("user").get(v), has_bot = !o.at_key("bot").get(v);
      if (has_user || has_bot) {
        if (has_user && !o.at_key("user").get(v)) text_into(v, next(role::user));
        if (has_bot && !o.at_key("bot").get(v)) text_into(v, next(role::assistant));
        continue;
      }
      next(role::other);
      continue;
    }
    dom::array pair;
    if (!m.get_array().get(pair) && pair.size() == 2) {
      text_into(pair.at(0).value_unsafe(), next(role::user));
      text_into(pair.at(1).value_unsafe(), next(role::assistant));
      continue;
    }
    text_into(m, next(role::other));
  }
  out.resize(n);
  return true;
}

}  // namespace jsift
