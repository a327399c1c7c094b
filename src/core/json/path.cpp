#include "jsift/json/path.hpp"

#include <charconv>

#include <fmt/format.h>

#include "jsift/error.hpp"
#include "jsift/json/conversation.hpp"

namespace jsift {
namespace {

[[noreturn]] void bad(std::string_view text, size_t at, std::string_view why) {
  throw usage_error(fmt::format("invalid path '{}' at character {}: {}", text, at + 1, why));
}

// A quoted key at text[i] == '"'; returns the unescaped key, advances i.
std::string quoted(std::string_view text, size_t& i) {
  std::string out;
  for (++i; i < text.size(); ++i) {
    char c = text[i];
    if (c == '"') {
      ++i;
      return out;
    }
    if (c == '\\' && i + 1 < text.size()) c = text[++i];
    out += c;
  }
  bad(text, i, "unterminated quoted key");
}

}  // namespace

path path::parse(std::string_view text) {
  path p;
  p.text_ = std::string(text);
  if (text.empty() || text[0] != '.') bad(text, 0, "a path starts with '.' (for example .turns[-1].content)");
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == '.') {
      ++i;
      if (i == text.size()) {
        if (text.size() == 1) break;  // `.` alone: the record
        bad(text, i, "expected a key after '.'");
      }
      if (text[i] == '[') continue;
      if (text[i] == '"') {
        p.steps_.push_back({op::key, quoted(text, i), 0});
        continue;
      }
      size_t start = i;
      while (i < text.size() && text[i] != '.' && text[i] != '[') ++i;
      if (i == start) bad(text, i, "expected a key after '.'");
      p.steps_.push_back({op::key, std::string(text.substr(start, i - start)), 0});
    } else if (c == '[') {
      ++i;
      if (i < text.size() && text[i] == ']') {
        ++i;
        p.steps_.push_back({op::each, {}, 0});
        p.multi_ = true;
        continue;
      }
      if (text.substr(i).starts_with("role=")) {
        const size_t start = i + 5, close = text.find(']', start);
        if (close == std::string_view::npos) bad(text, text.size(), "expected ']'");
        std::string_view name = text.substr(start, close - start);
        auto r = role_of_name(name);
        if (!r) bad(text, start, fmt::format("unknown role '{}' (user, assistant, system, tool, other; also human, gpt, bot, model...)", name));
        step st{op::role, {}, 0, uint8_t(*r), false};
        i = close + 1;
        // [role=NAME][N]: the N-th message of the role.
        if (i < text.size() && text[i] == '[') {
          int64_t idx = 0;
          auto [ptr, ec] = std::from_chars(text.data() + i + 1, text.data() + text.size(), idx);
          if (ec == std::errc() && size_t(ptr - text.data()) < text.size() && *ptr == ']') {
            st.index = idx;
            st.has_index = true;
            i = size_t(ptr - text.data()) + 1;
          }
        }
        if (!st.has_index) p.multi_ = true;
        p.steps_.push_back(std::move(st));
        continue;
      }
      if (i < text.size() && text[i] == '"') {
        std::string k = quoted(text, i);
        if (i >= text.size() || text[i] != ']') bad(text, i, "expected ']'");
        ++i;
        p.steps_.push_back({op::key, std::move(k), 0});
        continue;
      }
      int64_t idx = 0;
      auto [ptr, ec] = std::from_chars(text.data() + i, text.data() + text.size(), idx);
      if (ec != std::errc()) bad(text, i, "expected an index, \"key\" or ']'");
      i = size_t(ptr - text.data());
      if (i >= text.size() || text[i] != ']') bad(text, i, "expected ']'");
      ++i;
      p.steps_.push_back({op::index, {}, idx});
    } else {
      bad(text, i, "expected '.' or '['");
    }
  }
  return p;
}

bool path::role_matches(simdjson::dom::element message, uint8_t r) { return uint8_t(role_of(message)) == r; }

std::optional<simdjson::dom::element> path::first(simdjson::dom::element root) const {
  std::optional<simdjson::dom::element> out;
  if (!multi_) {
    visit(root, [&](simdjson::dom::element e) { out = e; });
    return out;
  }
  visit(root, [&](simdjson::dom::element e) {
    if (!out) out = e;
  });
  return out;
}

}  // namespace jsift
