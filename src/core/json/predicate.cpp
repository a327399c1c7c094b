#include "jsift/json/predicate.hpp"

#include <atomic>
#include <charconv>
#include <cmath>

#include <fmt/format.h>
#include <re2/re2.h>

#include "jsift/error.hpp"
#include "jsift/json/value_hash.hpp"

namespace jsift {
namespace dom = simdjson::dom;
using dom::element_type;

namespace {

std::optional<uint64_t> parse_count(std::string_view s) {
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// Splits "PATH=REST" at the first '=' that is outside a quoted key.
std::pair<path, std::string> split_path(std::string_view arg, std::string_view flag) {
  bool quoted = false;
  int brackets = 0;  // `=` inside [role=NAME] belongs to the path
  for (size_t i = 0; i < arg.size(); ++i) {
    char c = arg[i];
    if (c == '\\' && quoted) {
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == '[' && !quoted) {
      ++brackets;
    } else if (c == ']' && !quoted && brackets > 0) {
      --brackets;
    } else if (c == '=' && !quoted && brackets == 0) {
      return {for_option(flag, [&] { return path::parse(arg.substr(0, i)); }), std::string(arg.substr(i + 1))};
    }
  }
  throw option_error(std::string(flag), fmt::format("expected PATH=VALUE, got '{}'", arg));
}

bool is_blank_text(std::string_view s) {
  for (char c : s)
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return false;
  return true;
}

class turns_pred final : public predicate {
 public:
  turns_pred(range r, std::optional<path> p, turn_unit u)
      : predicate("--turns " + r.text()), r_(r), path_(std::move(p)), unit_(u) {}
  bool test(std::string_view, dom::element root) const override {
    std::optional<dom::element> conv = path_ ? path_->first(root) : find_conversation(root);
    std::optional<uint64_t> n = conv ? count_turns(*conv, unit_) : std::nullopt;
    if (!n) {
      without_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    if (!any_with_.load(std::memory_order_relaxed)) any_with_.store(true, std::memory_order_relaxed);  // written once
    return r_.contains(*n);
  }
  conversation_tally tally() const { return {without_.load(), any_with_.load()}; }

 private:
  range r_;
  std::optional<path> path_;
  turn_unit unit_;
  mutable std::atomic<uint64_t> without_{0};
  mutable std::atomic<bool> any_with_{false};
};

class len_pred final : public predicate {
 public:
  len_pred(std::string name, path p, range r) : predicate(std::move(name)), p_(std::move(p)), r_(r) {}
  bool test(std::string_view, dom::element root) const override {
    bool any = false, all = true;
    p_.visit(root, [&](dom::element v) {
      any = true;
      auto n = value_length(v);
      if (!n || !r_.contains(*n)) all = false;
    });
    return any && all;
  }

 private:
  path p_;
  range r_;
};

class eq_pred final : public predicate {
 public:
  eq_pred(std::string name, path p, std::string value, bool negate)
      : predicate(std::move(name)), p_(std::move(p)), negate_(negate) {
    // VALUE is JSON when it parses as JSON, else a bare string.
    auto doc = parser_.parse(value);
    if (!doc.error()) {
      value_ = doc.value_unsafe();
      is_json_ = true;
    } else {
      text_ = std::move(value);
    }
  }
  bool test(std::string_view, dom::element root) const override {
    bool found = false;
    p_.visit(root, [&](dom::element v) { found = found || equal(v); });
    return found != negate_;
  }

 private:
  bool equal(dom::element v) const {
    if (!is_json_) return v.type() == element_type::STRING && v.get_string().value_unsafe() == text_;
    return json_equal(v, value_);
  }
  static bool is_number(element_type t) {
    return t == element_type::INT64 || t == element_type::UINT64 || t == element_type::DOUBLE;
  }
  static bool json_equal(dom::element a, dom::element b) {
    element_type ta = a.type(), tb = b.type();
    if (is_number(ta) && is_number(tb)) {
      if (ta == tb && ta == element_type::INT64) return a.get_int64().value_unsafe() == b.get_int64().value_unsafe();
      if (ta == tb && ta == element_type::UINT64) return a.get_uint64().value_unsafe() == b.get_uint64().value_unsafe();
      return a.get_double().value_unsafe() == b.get_double().value_unsafe();
    }
    if (ta != tb) return false;
    switch (ta) {
      case element_type::STRING: return a.get_string().value_unsafe() == b.get_string().value_unsafe();
      case element_type::BOOL: return a.get_bool().value_unsafe() == b.get_bool().value_unsafe();
      case element_type::NULL_VALUE: return true;
      default: return simdjson::minify(a) == simdjson::minify(b);
    }
  }
  path p_;
  bool negate_;
  bool is_json_ = false;
  std::string text_;
  dom::parser parser_;  // owns value_'s storage; only read after construction
  dom::element value_;
};

class has_pred final : public predicate {
 public:
  explicit has_pred(path p) : predicate("--has " + p.text()), p_(std::move(p)) {}
  bool test(std::string_view, dom::element root) const override { return p_.first(root).has_value(); }

 private:
  path p_;
};

class nonempty_pred final : public predicate {
 public:
  explicit nonempty_pred(path p) : predicate("--nonempty " + p.text()), p_(std::move(p)) {}
  bool test(std::string_view, dom::element root) const override {
    bool any = false, all = true;
    p_.visit(root, [&](dom::element v) {
      any = true;
      switch (v.type()) {
        case element_type::NULL_VALUE: all = false; break;
        case element_type::STRING:
          if (is_blank_text(v.get_string().value_unsafe())) all = false;
          break;
        case element_type::ARRAY:
          if (v.get_array().size() == 0) all = false;
          break;
        case element_type::OBJECT:
          if (v.get_object().size() == 0) all = false;
          break;
        default: break;
      }
    });
    return any && all;
  }

 private:
  path p_;
};

class bytes_pred final : public predicate {
 public:
  explicit bytes_pred(range r) : predicate("--bytes " + r.text()), r_(r) {}
  bool test(std::string_view line, dom::element) const override { return r_.contains(line.size()); }

 private:
  range r_;
};

class match_pred final : public predicate {
 public:
  match_pred(std::string name, path p, const std::string& rx)
      : predicate(std::move(name)), p_(std::move(p)), re_(rx, RE2::Quiet) {
    if (!re_.ok()) throw option_error("match", fmt::format("invalid regular expression '{}': {}", rx, re_.error()));
  }
  bool test(std::string_view, dom::element root) const override {
    bool found = false;
    p_.visit(root, [&](dom::element v) {
      if (found) return;
      if (v.type() == element_type::STRING) {
        std::string_view s = v.get_string().value_unsafe();
        found = RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), re_);
      } else {
        found = RE2::PartialMatch(simdjson::minify(v), re_);
      }
    });
    return found;
  }

 private:
  path p_;
  RE2 re_;
};

}  // namespace

range range::parse(std::string_view text, std::string_view flag) {
  range r;
  auto bad = [&] {
    return option_error(std::string(flag), fmt::format("expected a range MIN..MAX (either end optional), got '{}'", text));
  };
  auto dots = text.find("..");
  if (dots == std::string_view::npos) {
    auto v = parse_count(text);
    if (!v) throw bad();
    r.lo = r.hi = v;
    return r;
  }
  std::string_view a = text.substr(0, dots), b = text.substr(dots + 2);
  if (a.empty() && b.empty()) throw bad();
  if (!a.empty() && !(r.lo = parse_count(a))) throw bad();
  if (!b.empty() && !(r.hi = parse_count(b))) throw bad();
  if (r.lo && r.hi && *r.lo > *r.hi)
    throw option_error(std::string(flag), fmt::format("empty range '{}' (MIN is greater than MAX)", text));
  return r;
}

std::string range::text() const {
  if (lo && hi && *lo == *hi) return std::to_string(*lo);
  return (lo ? std::to_string(*lo) : "") + ".." + (hi ? std::to_string(*hi) : "");
}

std::optional<uint64_t> value_length(dom::element v) {
  switch (v.type()) {
    case element_type::STRING: {
      uint64_t n = 0;
      std::string_view s = v.get_string().value_unsafe();
      for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
      return n;
    }
    case element_type::ARRAY: return v.get_array().size();
    case element_type::OBJECT: return v.get_object().size();
    default: return std::nullopt;
  }
}

std::unique_ptr<predicate> make_turns(range r, std::optional<path> conversation_path, turn_unit unit) {
  return std::make_unique<turns_pred>(r, std::move(conversation_path), unit);
}

std::optional<conversation_tally> tally_of(const predicate& p) {
  if (auto* t = dynamic_cast<const turns_pred*>(&p)) return t->tally();
  return std::nullopt;
}

std::unique_ptr<predicate> make_len(std::string_view arg) {
  auto [p, rest] = split_path(arg, "--len");
  range r = range::parse(rest, "--len");
  return std::make_unique<len_pred>(fmt::format("--len {}={}", p.text(), r.text()), std::move(p), r);
}

std::unique_ptr<predicate> make_eq(std::string_view arg, bool negate) {
  const char* flag = negate ? "--ne" : "--eq";
  auto [p, rest] = split_path(arg, flag);
  return std::make_unique<eq_pred>(fmt::format("{} {}={}", flag, p.text(), rest), std::move(p), std::move(rest), negate);
}

std::unique_ptr<predicate> make_has(std::string_view text) {
  return std::make_unique<has_pred>(for_option("has", [&] { return path::parse(text); }));
}

std::unique_ptr<predicate> make_nonempty(std::string_view text) {
  return std::make_unique<nonempty_pred>(for_option("nonempty", [&] { return path::parse(text); }));
}

std::unique_ptr<predicate> make_bytes(range r) { return std::make_unique<bytes_pred>(r); }

std::unique_ptr<predicate> make_match(std::string_view arg) {
  auto [p, rest] = split_path(arg, "--match");
  return std::make_unique<match_pred>(fmt::format("--match {}={}", p.text(), rest), std::move(p), rest);
}

}  // namespace jsift
