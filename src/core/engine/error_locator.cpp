#include "jsift/engine/error_locator.hpp"

#include <cmath>
#include <cstdlib>
#include <vector>

#include <fmt/format.h>

namespace jsift {

size_t find_invalid_utf8(std::string_view text) noexcept {
  const auto* b = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  auto cont = [&](size_t k) { return k < n && (b[k] & 0xC0) == 0x80; };
  while (i < n) {
    unsigned c = b[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    bool ok;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      ok = cont(i + 1);
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      unsigned lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
      ok = i + 1 < n && b[i + 1] >= lo && b[i + 1] <= hi && cont(i + 2);
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      unsigned lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
      ok = i + 1 < n && b[i + 1] >= lo && b[i + 1] <= hi && cont(i + 2) && cont(i + 3);
    } else {
      return i;
    }
    if (!ok) return i;
    i += len;
  }
  return std::string_view::npos;
}

namespace {

constexpr size_t max_depth = 1024;  // simdjson's default DOM depth limit

class locator {
 public:
  explicit locator(std::string_view t) : t_(t) {}

  std::optional<json_problem> run() {
    enum class step { value, key, after };
    step s = step::value;
    for (;;) {
      if (s == step::value) {
        ws();
        if (end()) return fail("unexpected end of line, expected a value");
        char c = t_[i_];
        if (c == '{' || c == '[') {
          if (stack_.size() >= max_depth) {
            auto p = fail(fmt::format("nesting deeper than {} levels (the most simdjson parses)", max_depth));
            p->depth = true;
            return p;
          }
          stack_.push_back(c);
          ++i_;
          ws();
          if (!end() && t_[i_] == (c == '{' ? '}' : ']')) {
            ++i_;
            stack_.pop_back();
            s = step::after;
          } else {
            s = c == '{' ? step::key : step::value;
          }
          continue;
        }
        if (auto p = scalar()) return p;
        s = step::after;
        continue;
      }
      if (s == step::key) {
        ws();
        if (end()) return fail("unexpected end of line, expected a string key");
        if (t_[i_] != '"') return fail("expected a string key in double quotes");
        if (auto p = string()) return p;
        ws();
        if (end() || t_[i_] != ':') return fail("expected ':' after object key");
        ++i_;
        s = step::value;
        continue;
      }
      // after a value
      ws();
      if (stack_.empty()) {
        if (!end()) return fail("unexpected content after the JSON value");
        return std::nullopt;
      }
      bool obj = stack_.back() == '{';
      if (end()) return fail(obj ? "unexpected end of line, expected ',' or '}'" : "unexpected end of line, expected ',' or ']'");
      char c = t_[i_];
      if (c == ',') {
        ++i_;
        s = obj ? step::key : step::value;
      } else if (c == (obj ? '}' : ']')) {
        ++i_;
        stack_.pop_back();
      } else {
        return fail(obj ? "expected ',' or '}' after object member" : "expected ',' or ']' after array element");
      }
    }
  }

 private:
  bool end() const { return i_ >= t_.size(); }
  void ws() {
    while (!end() && (t_[i_] == ' ' || t_[i_] == '\t' || t_[i_] == '\n' || t_[i_] == '\r')) ++i_;
  }
  std::optional<json_problem> fail(std::string msg) const { return json_problem{i_, false, std::move(msg)}; }
  static bool digit(char c) { return c >= '0' && c <= '9'; }
  static bool hex(char c) { return digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

  std::optional<json_problem> scalar() {
    char c = t_[i_];
    if (c == '"') return string();
    if (c == '-' || digit(c)) return number();
    for (std::string_view lit : {"true", "false", "null"}) {
      if (c == lit[0]) {
        if (t_.substr(i_, lit.size()) != lit) return fail(fmt::format("invalid literal (expected '{}')", lit));
        i_ += lit.size();
        return std::nullopt;
      }
    }
    if (c == '\'') return fail("strings must use double quotes");
    if (c == '}' || c == ']') return fail("expected a value");
    return fail(fmt::format("unexpected character '{}', expected a value", printable(c)));
  }

  static std::string printable(char c) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7F) return std::string(1, c);
    return fmt::format("\\x{:02x}", u);
  }

  std::optional<json_problem> number() {
    size_t start = i_;
    if (auto p = number_syntax()) return p;
    return number_range(start);
  }

  // simdjson's DOM holds int64, uint64 and double: a valid number outside
  // them makes it reject the document.
  std::optional<json_problem> number_range(size_t start) const {
    std::string_view tok = t_.substr(start, i_ - start);
    bool integer = tok.find_first_of(".eE") == std::string_view::npos;
    if (integer) {
      bool neg = tok[0] == '-';
      std::string_view digits = neg ? tok.substr(1) : tok;
      std::string_view limit = neg ? "9223372036854775808" : "18446744073709551615";
      if (digits.size() < limit.size() || (digits.size() == limit.size() && digits <= limit)) return std::nullopt;
    } else {
      double d = std::strtod(std::string(tok).c_str(), nullptr);
      if (std::isfinite(d)) return std::nullopt;
    }
    json_problem p{start, false, fmt::format("number out of range: {} (jsift reads integers of up to 64 bits and floats up to a double)",
                                             tok.size() > 40 ? std::string(tok.substr(0, 40)) + "..." : std::string(tok))};
    p.number_range = true;
    return p;
  }

  std::optional<json_problem> number_syntax() {
    size_t start = i_;
    if (t_[i_] == '-') ++i_;
    if (end() || !digit(t_[i_])) return fail("invalid number: expected a digit");
    if (t_[i_] == '0') {
      ++i_;
      if (!end() && digit(t_[i_])) return json_problem{start, false, "invalid number: leading zero"};
    } else {
      while (!end() && digit(t_[i_])) ++i_;
    }
    if (!end() && t_[i_] == '.') {
      ++i_;
      if (end() || !digit(t_[i_])) return fail("invalid number: expected a digit after '.'");
      while (!end() && digit(t_[i_])) ++i_;
    }
    if (!end() && (t_[i_] == 'e' || t_[i_] == 'E')) {
      ++i_;
      if (!end() && (t_[i_] == '+' || t_[i_] == '-')) ++i_;
      if (end() || !digit(t_[i_])) return fail("invalid number: expected a digit in the exponent");
      while (!end() && digit(t_[i_])) ++i_;
    }
    return std::nullopt;
  }

  std::optional<json_problem> string() {
    ++i_;  // opening quote
    for (;;) {
      if (end()) return fail("unterminated string");
      auto c = static_cast<unsigned char>(t_[i_]);
      if (c == '"') {
        ++i_;
        return std::nullopt;
      }
      if (c < 0x20) return fail("control character in string (must be escaped)");
      if (c != '\\') {
        ++i_;
        continue;
      }
      if (i_ + 1 >= t_.size()) return fail("unterminated string");
      char e = t_[i_ + 1];
      if (e == 'u') {
        unsigned cp = 0;
        if (!u4(i_ + 2, cp)) return fail("invalid \\u escape: expected 4 hex digits");
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          unsigned lo = 0;
          if (t_.substr(i_ + 6, 2) != "\\u" || !u4(i_ + 8, lo) || lo < 0xDC00 || lo > 0xDFFF)
            return fail("invalid \\u escape: high surrogate without a low surrogate");
          i_ += 12;
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
          return fail("invalid \\u escape: lone low surrogate");
        } else {
          i_ += 6;
        }
        continue;
      }
      if (std::string_view("\"\\/bfnrt").find(e) == std::string_view::npos)
        return fail(fmt::format("invalid escape '\\{}' in string", printable(e)));
      i_ += 2;
    }
  }

  bool u4(size_t at, unsigned& cp) const {
    if (at + 4 > t_.size()) return false;
    cp = 0;
    for (size_t k = at; k < at + 4; ++k) {
      char c = t_[k];
      if (!hex(c)) return false;
      cp = cp * 16 + unsigned(digit(c) ? c - '0' : (c | 0x20) - 'a' + 10);
    }
    return true;
  }

  std::string_view t_;
  size_t i_ = 0;
  std::vector<char> stack_;
};

}  // namespace

std::optional<json_problem> find_json_problem(std::string_view text) {
  size_t bad = find_invalid_utf8(text);
  if (bad != std::string_view::npos) return json_problem{bad, true, "invalid UTF-8"};
  return locator(text).run();
}

}  // namespace jsift
