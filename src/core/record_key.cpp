#include "jsift/record_key.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include <fmt/format.h>

#include "jsift/error.hpp"

namespace jsift {
namespace dom = simdjson::dom;

normalization normalization::parse(std::string_view text) {
  normalization n;
  if (text == "none") return n;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string_view part = text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    if (part == "ws") n.ws = true;
    else if (part == "case") n.case_ = true;
    else if (part == "punct") n.punct = true;
    else throw usage_error(fmt::format("--normalize: expected none or a list of ws, case, punct; got '{}'", text));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return n;
}

std::string normalization::text() const {
  if (!any()) return "none";
  std::string out;
  for (auto [on, name] : {std::pair{punct, "punct"}, {ws, "ws"}, {case_, "case"}}) {
    if (!on) continue;
    if (!out.empty()) out += ',';
    out += name;
  }
  return out;
}

namespace {
bool ascii_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool ascii_punct(unsigned char c) { return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126); }
}  // namespace

void normalize_text(std::string_view in, const normalization& n, std::string& out) {
  // Written through a pointer into a buffer sized once: appending a
  // character at a time made `dedup --normalize ws,case` twice as slow.
  out.resize(in.size());
  char* o = out.data();
  size_t len = 0;
  bool pending_space = false;
  for (char ch : in) {
    auto c = static_cast<unsigned char>(ch);
    if (n.punct && ascii_punct(c)) continue;
    if (n.ws && ascii_space(c)) {
      pending_space = len > 0;
      continue;
    }
    if (pending_space) {
      o[len++] = ' ';
      pending_space = false;
    }
    if (n.case_ && c - 'A' < 26u) c = static_cast<unsigned char>(c + 32);
    o[len++] = static_cast<char>(c);
  }
  out.resize(len);
}

std::string key_spec::text() const {
  std::string out;
  if (paths.empty()) out = "record";
  for (size_t i = 0; i < paths.size(); ++i) {
    if (i) out += ',';
    out += paths[i].text();
  }
  return out + ";normalize=" + norm.text();
}

// The buffer is written with fixed-size stores: std::string::append of 1-8
// bytes went through memmove and was 11 % of `dedup` (perf).
char* key_hasher::room(size_t n) {
  if (len_ + n > buf_.size()) buf_.resize(std::max(buf_.size() * 2, len_ + n + 256));
  char* p = buf_.data() + len_;
  len_ += n;
  return p;
}

void key_hasher::put_char(char c) { *room(1) = c; }

void key_hasher::put_u64(uint64_t v) { std::memcpy(room(8), &v, 8); }

hash128 key_hasher::finish() const { return hash_bytes(std::string_view(buf_.data(), len_)); }

// Tag, length, bytes: no two different values share an encoding. A long
// string goes in as its own XXH3-128 instead of its bytes: hashing it once
// is cheaper than copying it here and hashing the copy (memmove was 13 % of
// `dedup` in perf), and keys stay as collision-resistant as the 128-bit hash.
void key_hasher::put_bytes(char tag, std::string_view s) {
  constexpr size_t inline_max = 48;
  put_u64(s.size());
  if (s.size() <= inline_max) {
    char* p = room(1 + s.size());
    *p = tag;
    std::memcpy(p + 1, s.data(), s.size());
    return;
  }
  hash128 h = hash_bytes(s);
  put_char(char(tag | 0x80));
  put_u64(h.lo);
  put_u64(h.hi);
}

namespace {
// Byte order of keys, with the first byte compared inline: most keys differ
// there, and a memcmp call per comparison was 10 % of `dedup`.
inline bool key_less(std::string_view a, std::string_view b) {
  if (!a.empty() && !b.empty() && a[0] != b[0]) return static_cast<unsigned char>(a[0]) < static_cast<unsigned char>(b[0]);
  return a < b;
}
}  // namespace

void key_hasher::encode(dom::element v, size_t depth) {
  switch (v.type()) {
    case dom::element_type::OBJECT: {
      if (members_.size() <= depth) members_.resize(depth + 1);
      // The vector for this depth is reused record after record; deeper
      // levels use their own, so recursion never invalidates it.
      auto& m = members_[depth];
      m.clear();
      dom::object obj = v.get_object().value_unsafe();
      for (auto field : obj) m.push_back({field.key, field.value});
      // Insertion sort: stable and allocation-free for the usual dozen keys
      // (std::stable_sort allocated a buffer per object: 6 % of `dedup`).
      if (m.size() <= 32) {
        for (size_t i = 1; i < m.size(); ++i)
          for (size_t j = i; j > 0 && key_less(m[j].key, m[j - 1].key); --j) std::swap(m[j], m[j - 1]);
      } else {
        std::stable_sort(m.begin(), m.end(), [](const member& a, const member& b) { return key_less(a.key, b.key); });
      }
      const size_t n = m.size();  // `m` may move when deeper levels grow members_
      put_char('{');
      put_u64(n);
      for (size_t i = 0; i < n; ++i) {
        put_bytes('k', members_[depth][i].key);
        encode(members_[depth][i].value, depth + 1);
      }
      break;
    }
    case dom::element_type::ARRAY: {
      dom::array a = v.get_array().value_unsafe();
      put_char('[');
      put_u64(a.size());
      for (dom::element e : a) encode(e, depth + 1);
      break;
    }
    case dom::element_type::STRING: {
      std::string_view s = v.get_string().value_unsafe();
      if (spec_->norm.any()) {
        normalize_text(s, spec_->norm, norm_);
        s = norm_;
      }
      put_bytes('s', s);
      break;
    }
    case dom::element_type::INT64:
      put_char('i');
      put_u64(uint64_t(v.get_int64().value_unsafe()));
      break;
    case dom::element_type::UINT64: {
      uint64_t u = v.get_uint64().value_unsafe();
      put_char(u <= uint64_t(INT64_MAX) ? 'i' : 'u');
      put_u64(u);
      break;
    }
    case dom::element_type::DOUBLE: {
      double d = v.get_double().value_unsafe();
      constexpr double two63 = 9223372036854775808.0, two64 = 18446744073709551616.0;
      if (d == std::trunc(d) && d >= -two63 && d < two64) {  // integral: the same key as the integer
        put_char(d < two63 ? 'i' : 'u');
        put_u64(d < two63 ? uint64_t(int64_t(d)) : uint64_t(d));
      } else {
        uint64_t bits;
        std::memcpy(&bits, &d, 8);
        put_char('d');
        put_u64(bits);
      }
      break;
    }
    case dom::element_type::BOOL: put_char(v.get_bool().value_unsafe() ? 't' : 'f'); break;
    case dom::element_type::NULL_VALUE: put_char('n'); break;
  }
}

bool key_hasher::encode_path(const path& p, dom::element root) {
  bool any = false;
  p.visit(root, [&](dom::element e) {
    any = true;
    encode(e, 0);
  });
  return any;
}

bool key_hasher::hash(dom::element root, hash128& out) {
  len_ = 0;
  bool any = spec_->paths.empty();
  if (any) encode(root, 0);
  for (const path& p : spec_->paths) {
    put_char('|');  // one marker per path: (.a absent, .b "x") != (.a "x", .b absent)
    any = encode_path(p, root) || any;
  }
  if (!any) return false;
  out = finish();
  return true;
}

bool key_hasher::hash_path(const path& p, dom::element root, hash128& out) {
  len_ = 0;
  if (!encode_path(p, root)) return false;
  out = finish();
  return true;
}

bool key_hasher::hash_value(dom::element v, hash128& out) {
  len_ = 0;
  encode(v, 0);
  out = finish();
  return true;
}

}  // namespace jsift
