#include "flag_spec.hpp"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "jsift/error.hpp"
#include "jsift/io/units.hpp"

namespace jsift::cli {

std::string flag::long_name() const {
  size_t start = 0;
  while (start < names.size()) {
    size_t comma = names.find(',', start);
    std::string n = names.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (n.rfind("--", 0) == 0) return n;
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return short_name();
}

std::string flag::short_name() const {
  if (names.size() >= 2 && names[0] == '-' && names[1] != '-') return names.substr(0, names.find(','));
  return "";
}

uint64_t parse_whole(const std::string& text, const std::string& flag_name) {
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || text.empty())
    throw option_error(flag_name, fmt::format("expected a whole number, got '{}'", text));
  return v;
}

double parse_finite(const std::string& text, const std::string& flag_name) { return parse_number(text, flag_name); }

void flag_list::fail_choice(const std::string& flag_name, const std::vector<std::string>& words, const std::string& got) {
  std::string list;
  for (size_t i = 0; i < words.size(); ++i) list += (i ? (i + 1 == words.size() ? " or " : ", ") : "") + words[i];
  throw option_error(flag_name, fmt::format("expected {}, got '{}'", list, got));
}

flag& flag_list::add(std::string names, std::string value_name, std::string help, value_kind kind) {
  flag& f = flags_.emplace_back();
  f.names = std::move(names);
  f.value_name = std::move(value_name);
  f.help = std::move(help);
  f.kind = kind;
  return f;
}

flag& flag_list::text(std::string names, std::string value_name, std::string& to, std::string help) {
  flag& f = add(std::move(names), std::move(value_name), std::move(help), value_kind::text);
  f.set = [&to](const std::string& v) { to = v; };
  return f;
}

flag& flag_list::texts(std::string names, std::string value_name, std::vector<std::string>& to, std::string help) {
  flag& f = add(std::move(names), std::move(value_name), std::move(help), value_kind::text);
  f.repeatable = true;
  f.set = [&to](const std::string& v) { to.push_back(v); };
  return f;
}

flag& flag_list::count(std::string names, std::string value_name, uint64_t& to, std::string help) {
  flag& f = add(std::move(names), std::move(value_name), std::move(help), value_kind::count);
  f.set = [&to, name = f.long_name()](const std::string& v) { to = parse_whole(v, name); };
  return f;
}

flag& flag_list::count(std::string names, std::string value_name, std::optional<uint64_t>& to, std::string help) {
  flag& f = add(std::move(names), std::move(value_name), std::move(help), value_kind::count);
  f.set = [&to, name = f.long_name()](const std::string& v) { to = parse_whole(v, name); };
  return f;
}

flag& flag_list::number(std::string names, std::string value_name, std::optional<double>& to, std::string help) {
  flag& f = add(std::move(names), std::move(value_name), std::move(help), value_kind::number);
  f.set = [&to, name = f.long_name()](const std::string& v) { to = parse_finite(v, name); };
  return f;
}

flag& flag_list::toggle(std::string names, bool& to, std::string help) {
  flag& f = add(std::move(names), "", std::move(help), value_kind::none);
  f.on = &to;
  return f;
}

flag& flag_list::inputs(std::vector<std::string>& to, std::string help) {
  flag& f = add("inputs", "INPUT", std::move(help), value_kind::file);
  f.positional = true;
  f.repeatable = true;
  f.set = [&to](const std::string& v) { to.push_back(v); };
  return f;
}

flag& flag_list::positional(std::string name, std::string value_name, std::string& to, std::string help) {
  flag& f = add(std::move(name), std::move(value_name), std::move(help), value_kind::text);
  f.positional = true;
  f.set = [&to](const std::string& v) { to = v; };
  return f;
}

}  // namespace jsift::cli
