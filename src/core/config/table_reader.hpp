// config/table_reader.hpp (private to src/core/config) — typed,
// line-numbered access to one TOML table for the gate and pipeline loaders:
// every mistake is a usage_error naming FILE:LINE:COLUMN, and keys nobody
// read are rejected (typos). It is also the check_settings that gate checks
// read themselves from. Not thread-safe; the table and file name must
// outlive the reader.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "jsift/error.hpp"
#include "jsift/json/path.hpp"
#include "jsift/stages/gate_checks.hpp"

namespace jsift::config {

// "FILE:LINE:COLUMN: " of a node, or of the table when n is null.
std::string place(const std::string& file, const toml::node* n);

class table_reader final : public check_settings {
 public:
  // `what` names the table in messages: "[filter]", "check 'name'".
  table_reader(const toml::table& t, const std::string& file, std::string what) : t_(t), file_(file), what_(std::move(what)) {}

  [[noreturn]] void fail_at(const toml::node* n, std::string_view msg) const;
  [[noreturn]] void fail(const std::string& key, std::string_view msg) override { fail_at(key.empty() ? nullptr : get(key), msg); }
  const toml::node* get(const std::string& key);
  bool has(const std::string& key) override { return get(key) != nullptr; }
  path path_of(const std::string& key) override;
  std::optional<uint64_t> count(const std::string& key) override;
  std::vector<std::string> strings(const std::string& key) override;
  // A string or an array of strings (`key = ".id"` or `key = [".a", ".b"]`).
  std::vector<std::string> string_or_strings(const std::string& key);
  std::map<std::string, double> shares(const std::string& key) override;
  std::string scalar_json(const std::string& key) override;
  std::map<std::string, uint64_t> counts_table(const std::string& key);
  bool flag(const std::string& key, bool dflt) override;
  void done(std::initializer_list<const char*> known) override;

  // Runs f (which builds a stage or a check from what it read); an
  // option_error it throws is reported at the key it names (or at the table),
  // in config-file words.
  template <class F>
  auto located(F&& f) -> decltype(f()) {
    try {
      return f();
    } catch (const option_error& e) {
      const toml::node* n = e.field.empty() ? nullptr : get(e.field);
      std::string key = e.field.empty() || n == nullptr ? std::string() : fmt::format("'{}': ", e.field);
      fail_at(n, key + option_error::as_keys(e.problem));
    }
  }

 protected:
  std::string get_str(const std::string& key, std::optional<std::string> dflt) override;
  double get_num(const std::string& key, std::optional<double> dflt) override;

 private:
  const toml::table& t_;
  const std::string& file_;
  std::string what_;
  std::set<std::string> used_;
};

// Appends the [[check]] tables of a parsed file (a gate's or a pipeline's) to
// `cfg` (gate_config.cpp).
void load_checks(const toml::table& root, const std::string& file, gate_config& cfg);

// Parses a TOML file; a syntax error is a usage_error naming FILE:LINE:COLUMN,
// a missing or unreadable file a std::system_error.
toml::table parse_file(const std::string& file);
// A config file's text (a directory is a usage_error, a missing file a std::system_error).
std::string read_config(const std::string& file);
// The same over a file's text (read earlier, or kept in a partial).
toml::table parse_text(const std::string& text, const std::string& file);

}  // namespace jsift::config
