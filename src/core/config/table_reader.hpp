// toml_reader.hpp (private to src/core) — typed, line-numbered access to a
// TOML table for the gate and pipeline loaders: every mistake is a
// usage_error naming FILE:LINE:COLUMN, and keys nobody read are rejected.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "jsift/error.hpp"
#include "jsift/jobs/gate_job.hpp"
#include "jsift/json/path.hpp"

namespace jsift {

// Appends the [[check]] tables of `root` to `cfg` (gate_checks.cpp).
void load_checks_from(const toml::table& root, const std::string& file, gate_config& cfg);

namespace detail {

// Typed access to one table; every key read is remembered, so done() can
// reject the keys nobody asked for (typos).
class table_reader {
 public:
  table_reader(const toml::table& t, const std::string& file, std::string what) : t_(t), file_(file), what_(std::move(what)) {}

  [[noreturn]] void fail(const toml::node* n, std::string_view msg) const {
    const auto& src = n ? n->source() : t_.source();
    throw usage_error(fmt::format("{}:{}:{}: {}: {}", file_, src.begin.line, src.begin.column, what_, msg));
  }
  const toml::node* get(const std::string& key) {
    used_.insert(key);
    return t_.get(key);
  }
  bool has(const std::string& key) { return get(key) != nullptr; }
  std::string str(const std::string& key, std::optional<std::string> dflt = std::nullopt) {
    const toml::node* n = get(key);
    if (!n) {
      if (dflt) return *dflt;
      fail(nullptr, fmt::format("missing key '{}'", key));
    }
    if (!n->is_string()) fail(n, fmt::format("'{}' must be a string", key));
    return std::string(*n->value<std::string_view>());
  }
  path path_of(const std::string& key, bool required = true) {
    const toml::node* n = get(key);
    if (!n && !required) return path::parse(".");
    std::string text = str(key);
    try {
      return path::parse(text);
    } catch (const usage_error& e) {
      fail(get(key), e.what());
    }
  }
  double num(const std::string& key, std::optional<double> dflt = std::nullopt) {
    const toml::node* n = get(key);
    if (!n) {
      if (dflt) return *dflt;
      fail(nullptr, fmt::format("missing key '{}'", key));
    }
    if (!n->is_number()) fail(n, fmt::format("'{}' must be a number", key));
    return *n->value<double>();
  }
  std::optional<uint64_t> count(const std::string& key) {
    const toml::node* n = get(key);
    if (!n) return std::nullopt;
    if (!n->is_integer() || *n->value<int64_t>() < 0) fail(n, fmt::format("'{}' must be a whole number >= 0", key));
    return uint64_t(*n->value<int64_t>());
  }
  std::vector<std::string> strings(const std::string& key) {
    std::vector<std::string> out;
    const toml::node* n = get(key);
    if (!n) return out;
    const toml::array* a = n->as_array();
    if (!a) fail(n, fmt::format("'{}' must be an array of strings", key));
    for (const auto& e : *a) {
      if (!e.is_string()) fail(&e, fmt::format("'{}' must be an array of strings", key));
      out.emplace_back(*e.value<std::string_view>());
    }
    return out;
  }
  std::map<std::string, double> shares(const std::string& key) {
    const toml::node* n = get(key);
    if (!n) fail(nullptr, fmt::format("missing key '{}'", key));
    const toml::table* t = n->as_table();
    if (!t || t->empty()) fail(n, fmt::format("'{}' must be a table of group = share", key));
    std::map<std::string, double> out;
    for (const auto& [k, v] : *t) {
      if (!v.is_number() || *v.value<double>() < 0 || *v.value<double>() > 1)
        fail(&v, fmt::format("'{}.{}' must be a number from 0 to 1", key, k.str()));
      out[std::string(k.str())] = *v.value<double>();
    }
    return out;
  }
  bool flag(const std::string& key, bool dflt) {
    const toml::node* n = get(key);
    if (!n) return dflt;
    if (!n->is_boolean()) fail(n, fmt::format("'{}' must be true or false", key));
    return *n->value<bool>();
  }
  std::map<std::string, uint64_t> counts_table(const std::string& key) {
    const toml::node* n = get(key);
    const toml::table* t = n ? n->as_table() : nullptr;
    if (!t || t->empty()) fail(n, fmt::format("'{}' must be a table of group = count", key));
    std::map<std::string, uint64_t> out;
    for (const auto& [k, v] : *t) {
      if (!v.is_integer() || *v.value<int64_t>() < 0) fail(&v, fmt::format("'{}.{}' must be a whole number >= 0", key, k.str()));
      out[std::string(k.str())] = uint64_t(*v.value<int64_t>());
    }
    return out;
  }
  // Runs f, turning a usage_error it throws into one that names this key's place.
  template <class F>
  auto at(const std::string& key, F&& f) {
    try {
      return f();
    } catch (const usage_error& e) {
      fail(get(key), e.what());
    }
  }
  void done(std::initializer_list<const char*> known) {
    for (const auto& [k, v] : t_) {
      std::string key(k.str());
      if (key == "type" || key == "name" || used_.count(key)) continue;
      std::string list;
      for (const char* x : known) list += fmt::format("{}{}", list.empty() ? "" : ", ", x);
      fail(&v, fmt::format("unknown key '{}' (this check takes: {})", key, list));
    }
  }

 private:
  const toml::table& t_;
  const std::string& file_;
  std::string what_;
  std::set<std::string> used_;
};

}  // namespace detail
}  // namespace jsift
