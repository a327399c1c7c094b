#include "jsift/io/json_writer.hpp"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <cmath>

#include <fmt/format.h>

namespace jsift {

namespace {

bool needs_escape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }

// The index of the first byte at or after i that needs an escape, or n:
// 16 bytes at a time (a byte-at-a-time loop with a push_back each was 42 %
// of `jsift window`).
size_t next_special(std::string_view s, size_t i) {
  const size_t n = s.size();
#ifdef __SSE2__
  const __m128i quote = _mm_set1_epi8('"'), slash = _mm_set1_epi8('\\'), high = _mm_set1_epi8(char(0xE0)), zero = _mm_setzero_si128();
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    const __m128i special = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, slash)),
                                         _mm_cmpeq_epi8(_mm_and_si128(v, high), zero));  // < 0x20
    if (const unsigned m = unsigned(_mm_movemask_epi8(special))) return i + unsigned(__builtin_ctz(m));
  }
#endif
  while (i < n && !needs_escape(static_cast<unsigned char>(s[i]))) ++i;
  return i;
}

}  // namespace

void json_writer::escape(std::string& out, std::string_view s) {
  out += '"';
  size_t from = 0;
  for (size_t i = next_special(s, 0); i < s.size(); i = next_special(s, from)) {
    out.append(s.data() + from, i - from);
    const auto c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default: out += fmt::format("\\u{:04x}", c);
    }
    from = i + 1;
  }
  out.append(s.data() + from, s.size() - from);
  out += '"';
}

void json_writer::newline() {
  if (indent_ <= 0) return;
  out_ += '\n';
  out_.append(first_.size() * size_t(indent_), ' ');
}

void json_writer::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (first_.empty()) return;
  if (!first_.back()) out_ += ',';
  first_.back() = false;
  newline();
}

json_writer& json_writer::begin_object() {
  before_value();
  out_ += '{';
  first_.push_back(true);
  return *this;
}

json_writer& json_writer::end_object() {
  bool empty = first_.back();
  first_.pop_back();
  if (!empty) newline();
  out_ += '}';
  return *this;
}

json_writer& json_writer::begin_array() {
  before_value();
  out_ += '[';
  first_.push_back(true);
  return *this;
}

json_writer& json_writer::end_array() { return end_object(), out_.back() = ']', *this; }

json_writer& json_writer::key(std::string_view k) {
  before_value();
  escape(out_, k);
  out_ += indent_ > 0 ? ": " : ":";
  after_key_ = true;
  return *this;
}

json_writer& json_writer::value(std::string_view s) {
  before_value();
  escape(out_, s);
  return *this;
}

json_writer& json_writer::value(uint64_t n) {
  before_value();
  fmt::format_to(std::back_inserter(out_), "{}", n);
  return *this;
}

json_writer& json_writer::value(int64_t n) {
  before_value();
  fmt::format_to(std::back_inserter(out_), "{}", n);
  return *this;
}

json_writer& json_writer::value(double d) {
  before_value();
  if (!std::isfinite(d)) out_ += "null";
  else fmt::format_to(std::back_inserter(out_), "{}", d);
  return *this;
}

json_writer& json_writer::value(bool b) {
  before_value();
  out_ += b ? "true" : "false";
  return *this;
}

json_writer& json_writer::null() {
  before_value();
  out_ += "null";
  return *this;
}

json_writer& json_writer::raw(std::string_view json) {
  before_value();
  out_ += json;
  return *this;
}

}  // namespace jsift
