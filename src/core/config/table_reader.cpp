#include "table_reader.hpp"

#include <cerrno>
#include <cmath>
#include <sys/stat.h>
#include <system_error>

#include "jsift/io/json_writer.hpp"
#include "jsift/io/sys.hpp"

namespace jsift::config {

std::string place(const std::string& file, const toml::node* n) {
  if (!n) return fmt::format("{}: ", file);
  const auto& src = n->source();
  return fmt::format("{}:{}:{}: ", file, src.begin.line, src.begin.column);
}

void table_reader::fail_at(const toml::node* n, std::string_view msg) const {
  const auto& src = n ? n->source() : t_.source();
  throw usage_error(fmt::format("{}:{}:{}: {}: {}", file_, src.begin.line, src.begin.column, what_, msg));
}

const toml::node* table_reader::get(const std::string& key) {
  used_.insert(key);
  return t_.get(key);
}

std::string table_reader::get_str(const std::string& key, std::optional<std::string> dflt) {
  const toml::node* n = get(key);
  if (!n) {
    if (dflt) return *dflt;
    fail_at(nullptr, fmt::format("missing key '{}'", key));
  }
  if (!n->is_string()) fail_at(n, fmt::format("'{}' must be a string", key));
  return std::string(*n->value<std::string_view>());
}

path table_reader::path_of(const std::string& key) {
  std::string text = str(key);
  try {
    return path::parse(text);
  } catch (const usage_error& e) {
    fail_at(get(key), e.what());
  }
}

double table_reader::get_num(const std::string& key, std::optional<double> dflt) {
  const toml::node* n = get(key);
  if (!n) {
    if (dflt) return *dflt;
    fail_at(nullptr, fmt::format("missing key '{}'", key));
  }
  // TOML has nan and inf: a threshold must be a finite number.
  if (!n->is_number() || !std::isfinite(*n->value<double>())) fail_at(n, fmt::format("'{}' must be a finite number", key));
  return *n->value<double>();
}

std::optional<uint64_t> table_reader::count(const std::string& key) {
  const toml::node* n = get(key);
  if (!n) return std::nullopt;
  if (!n->is_integer() || *n->value<int64_t>() < 0) fail_at(n, fmt::format("'{}' must be a whole number >= 0", key));
  return uint64_t(*n->value<int64_t>());
}

std::vector<std::string> table_reader::strings(const std::string& key) {
  std::vector<std::string> out;
  const toml::node* n = get(key);
  if (!n) return out;
  const toml::array* a = n->as_array();
  if (!a) fail_at(n, fmt::format("'{}' must be an array of strings", key));
  for (const auto& e : *a) {
    if (!e.is_string()) fail_at(&e, fmt::format("'{}' must be an array of strings", key));
    out.emplace_back(*e.value<std::string_view>());
  }
  return out;
}

std::vector<std::string> table_reader::string_or_strings(const std::string& key) {
  const toml::node* n = get(key);
  if (n && n->is_string()) return {std::string(*n->value<std::string_view>())};
  if (n && !n->is_array()) fail_at(n, fmt::format("'{}' must be a string or an array of strings", key));
  return strings(key);
}

std::map<std::string, double> table_reader::shares(const std::string& key) {
  const toml::node* n = get(key);
  if (!n) fail_at(nullptr, fmt::format("missing key '{}'", key));
  const toml::table* t = n->as_table();
  if (!t || t->empty()) fail_at(n, fmt::format("'{}' must be a table of group = share", key));
  std::map<std::string, double> out;
  for (const auto& [k, v] : *t) {
    if (!v.is_number() || !std::isfinite(*v.value<double>()) || *v.value<double>() < 0 || *v.value<double>() > 1)
      fail_at(&v, fmt::format("'{}.{}' must be a number from 0 to 1", key, k.str()));
    out[std::string(k.str())] = *v.value<double>();
  }
  return out;
}

std::string table_reader::scalar_json(const std::string& key) {
  const toml::node* n = get(key);
  if (!n) fail_at(nullptr, fmt::format("missing key '{}'", key));
  if (n->is_string()) {
    std::string out;
    json_writer::escape(out, *n->value<std::string_view>());
    return out;
  }
  if (n->is_integer()) return std::to_string(*n->value<int64_t>());
  if (n->is_floating_point() && std::isfinite(*n->value<double>())) return fmt::format("{}", *n->value<double>());
  if (n->is_boolean()) return *n->value<bool>() ? "true" : "false";
  fail_at(n, fmt::format("'{}' must be a string, a finite number or true/false", key));
}

bool table_reader::flag(const std::string& key, bool dflt) {
  const toml::node* n = get(key);
  if (!n) return dflt;
  if (!n->is_boolean()) fail_at(n, fmt::format("'{}' must be true or false", key));
  return *n->value<bool>();
}

std::map<std::string, uint64_t> table_reader::counts_table(const std::string& key) {
  const toml::node* n = get(key);
  const toml::table* t = n ? n->as_table() : nullptr;
  if (!t || t->empty()) fail_at(n, fmt::format("'{}' must be a table of group = count", key));
  std::map<std::string, uint64_t> out;
  for (const auto& [k, v] : *t) {
    if (!v.is_integer() || *v.value<int64_t>() < 0) fail_at(&v, fmt::format("'{}.{}' must be a whole number >= 0", key, k.str()));
    out[std::string(k.str())] = uint64_t(*v.value<int64_t>());
  }
  return out;
}

void table_reader::done(std::initializer_list<const char*> known) {
  for (const auto& [k, v] : t_) {
    std::string key(k.str());
    if (key == "type" || key == "name" || used_.count(key)) continue;
    std::string list;
    for (const char* x : known) list += fmt::format("{}{}", list.empty() ? "" : ", ", x);
    fail_at(&v, fmt::format("unknown key '{}' (this table takes: {})", key, list));
  }
}

std::string read_config(const std::string& file) {
  struct stat sb;
  if (::stat(file.c_str(), &sb) != 0) throw std::system_error(errno, std::generic_category(), fmt::format("cannot open '{}'", file));
  if (S_ISDIR(sb.st_mode)) throw usage_error(fmt::format("{}: is a directory, not a TOML file", file));
  return sys::read_file(file);
}

toml::table parse_file(const std::string& file) { return parse_text(read_config(file), file); }

toml::table parse_text(const std::string& text, const std::string& file) {
  try {
    return toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    const auto& src = e.source();
    throw usage_error(fmt::format("{}:{}:{}: {}", file, src.begin.line, src.begin.column, e.description()));
  }
}

}  // namespace jsift::config
