#include "jsift/json/value_hash.hpp"

#include <charconv>
#include <cmath>

#include <fmt/format.h>
#include <xxh_x86dispatch.h>

#include "jsift/io/json_writer.hpp"

namespace jsift {
namespace dom = simdjson::dom;

hash128 hash_bytes(std::string_view bytes) noexcept {
  XXH128_hash_t h = XXH3_128bits(bytes.data(), bytes.size());
  return {h.low64, h.high64};
}

hash128 hash_pair(const hash128& a, const hash128& b) noexcept {
  const hash128 both[2] = {a, b};
  return hash_bytes(std::string_view(reinterpret_cast<const char*>(both), sizeof both));
}

bool reads_as_other_value(std::string_view s) noexcept {
  if (s.empty()) return false;
  if (s == "true" || s == "false" || s == "null") return true;
  const char c = s.front();
  if (c != '-' && (c < '0' || c > '9')) return false;
  double d;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  return ec == std::errc() && p == s.data() + s.size();
}

std::string number_text(double d) {
  constexpr double two63 = 9223372036854775808.0, two64 = 18446744073709551616.0;
  if (std::isfinite(d) && d == std::trunc(d)) {
    if (d >= -two63 && d < two63) return std::to_string(int64_t(d));  // -0.0 is 0
    if (d >= 0 && d < two64) return std::to_string(uint64_t(d));
  }
  return fmt::format("{}", d);  // the shortest text that reads back as d
}

namespace {

void append_json(std::string& out, dom::element v) {
  switch (v.type()) {
    case dom::element_type::STRING: json_writer::escape(out, v.get_string().value_unsafe()); break;
    case dom::element_type::INT64: out += std::to_string(v.get_int64().value_unsafe()); break;
    case dom::element_type::UINT64: out += std::to_string(v.get_uint64().value_unsafe()); break;
    case dom::element_type::DOUBLE: out += number_text(v.get_double().value_unsafe()); break;
    case dom::element_type::BOOL: out += v.get_bool().value_unsafe() ? "true" : "false"; break;
    case dom::element_type::NULL_VALUE: out += "null"; break;
    case dom::element_type::ARRAY: {
      out += '[';
      bool first = true;
      dom::array a = v.get_array().value_unsafe();
      for (dom::element e : a) {
        if (!first) out += ',';
        first = false;
        append_json(out, e);
      }
      out += ']';
      break;
    }
    case dom::element_type::OBJECT: {
      out += '{';
      bool first = true;
      dom::object o = v.get_object().value_unsafe();
      for (auto f : o) {
        if (!first) out += ',';
        first = false;
        json_writer::escape(out, f.key);
        out += ':';
        append_json(out, f.value);
      }
      out += '}';
      break;
    }
  }
}

}  // namespace

std::string value_text(dom::element v) {
  if (v.type() == dom::element_type::STRING) {
    std::string_view s = v.get_string().value_unsafe();
    if (!reads_as_other_value(s)) return std::string(s);
  }
  std::string out;
  append_json(out, v);
  return out;
}

std::string group_text(const path& p, dom::element root) {
  if (!p.is_multi()) {
    auto v = p.first(root);
    return v ? value_text(*v) : std::string("(missing)");
  }
  std::string out;
  size_t n = 0;
  p.visit(root, [&](dom::element e) {
    out += n++ ? "," : "[";
    append_json(out, e);
  });
  if (n == 0) return "(missing)";
  out += ']';
  return out;
}

}  // namespace jsift
