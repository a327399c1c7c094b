// flag_spec.hpp — a command's flags as data: names, value, help, choices,
// and where the value goes. One table of these drives parsing
// (command_line.cpp, the only CLI11 user), --help, the man page and the
// shell completions (docs.cpp), so they cannot disagree.
//
// A flag stores into a variable of its command (which must outlive parsing);
// values are converted by the flag's setter, which throws option_error
// naming the flag ("--threads: expected a whole number, got 'x'"). A flag
// given twice keeps the last value; repeatable flags keep every value in
// order. Not thread-safe (parsing happens once, on the main thread).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace jsift::cli {

// What a value is, for completions and the man page.
enum class value_kind { none, text, file, dir, path, size, count, number, choice };

struct flag {
  std::string names;       // "-o,--output"; for the positional: "inputs"
  std::string value_name;  // "FILE" ("" for a switch)
  std::string help;
  value_kind kind = value_kind::text;
  bool repeatable = false;
  bool required_ = false;
  bool positional = false;
  std::vector<std::string> choices;
  std::string default_text;                      // shown in help
  std::function<void(const std::string&)> set;   // one value (each, when repeatable)
  bool* on = nullptr;                            // a switch's variable

  flag& required() { return required_ = true, *this; }
  flag& files() { return kind = value_kind::file, *this; }
  flag& dirs() { return kind = value_kind::dir, *this; }
  flag& paths() { return kind = value_kind::path, *this; }
  flag& shows_default(std::string text) { return default_text = std::move(text), *this; }

  // "--output" (the first long name), "-o" (the short one) or "".
  std::string long_name() const;
  std::string short_name() const;
};

class flag_list {
 public:
  flag& text(std::string names, std::string value_name, std::string& to, std::string help);
  // Repeatable: every value, in order.
  flag& texts(std::string names, std::string value_name, std::vector<std::string>& to, std::string help);
  flag& count(std::string names, std::string value_name, uint64_t& to, std::string help);
  flag& count(std::string names, std::string value_name, std::optional<uint64_t>& to, std::string help);
  flag& number(std::string names, std::string value_name, std::optional<double>& to, std::string help);
  flag& toggle(std::string names, bool& to, std::string help);
  // One of a closed set of words, stored as the matching enum value.
  template <class E>
  flag& choice(std::string names, E& to, std::vector<std::pair<std::string, E>> words, std::string help) {
    flag& f = add(std::move(names), "WORD", std::move(help), value_kind::choice);
    for (auto& w : words) f.choices.push_back(w.first);
    f.set = [&to, words = std::move(words), name = f.long_name(), list = f.choices](const std::string& v) {
      for (auto& [word, value] : words)
        if (word == v) return void(to = value);
      fail_choice(name, list, v);
    };
    return f;
  }
  // The positional INPUT... of record commands.
  flag& inputs(std::vector<std::string>& to, std::string help);
  // One positional argument (`jsift verify DIR`).
  flag& positional(std::string name, std::string value_name, std::string& to, std::string help);

  const std::deque<flag>& all() const { return flags_; }
  std::deque<flag>& all() { return flags_; }

 private:
  [[noreturn]] static void fail_choice(const std::string& flag_name, const std::vector<std::string>& words, const std::string& got);
  flag& add(std::string names, std::string value_name, std::string help, value_kind kind);
  std::deque<flag> flags_;  // stable references for the modifiers
};

// Conversions with messages that name the flag (option_error).
uint64_t parse_whole(const std::string& text, const std::string& flag_name);
double parse_finite(const std::string& text, const std::string& flag_name);

}  // namespace jsift::cli
