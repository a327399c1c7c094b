// Canonical record keys against JSON value equality: two documents get the
// same key exactly when they are equal as JSON values (objects as members
// sorted by key, repeated keys in their order; numbers by value; strings by
// their bytes after normalisation), and the tape walk equals the element walk.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <simdjson.h>

#include "fuzz_check.hpp"
#include "jsift/json/normalize.hpp"
#include "jsift/json/record_key.hpp"

namespace {
namespace dom = simdjson::dom;

// The oracle's canonical text of a value: an independent, simple encoding.
std::string canon(dom::element v, const jsift::normalization& n) {
  switch (v.type()) {
    case dom::element_type::OBJECT: {
      std::vector<std::pair<std::string, std::string>> m;
      for (auto f : dom::object(v)) m.emplace_back(std::string(f.key), canon(f.value, n));
      std::stable_sort(m.begin(), m.end(), [](auto& a, auto& b) { return a.first < b.first; });
      std::string out = "{" + std::to_string(m.size());
      for (auto& [k, x] : m) out += "|" + std::to_string(k.size()) + ":" + k + "=" + x;
      return out + "}";
    }
    case dom::element_type::ARRAY: {
      std::string out = "[";
      size_t count = 0;
      for (dom::element e : dom::array(v)) out += canon(e, n) + ",", ++count;
      return out + std::to_string(count) + "]";
    }
    case dom::element_type::STRING: {
      std::string s{std::string_view(v)}, t;
      jsift::normalize_text(s, n, t);
      return "s" + std::to_string(t.size()) + ":" + t;
    }
    case dom::element_type::INT64: return "i" + std::to_string(int64_t(v));
    case dom::element_type::UINT64: {
      uint64_t u = uint64_t(v);
      return u <= uint64_t(INT64_MAX) ? "i" + std::to_string(u) : "u" + std::to_string(u);
    }
    case dom::element_type::DOUBLE: {
      double d = double(v);
      if (d == std::trunc(d) && d >= -9223372036854775808.0 && d < 9223372036854775808.0) return "i" + std::to_string(int64_t(d));
      if (d == std::trunc(d) && d >= 9223372036854775808.0 && d < 18446744073709551616.0) return "u" + std::to_string(uint64_t(d));
      char b[64];
      std::snprintf(b, sizeof b, "d%a", d);
      return b;
    }
    case dom::element_type::BOOL: return bool(v) ? "t" : "f";
    case dom::element_type::NULL_VALUE: return "n";
  }
  return "?";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  static const char* modes[] = {"none", "ws", "case", "punct", "ws,case,punct"};
  jsift::key_spec spec;
  spec.norm = jsift::normalization::parse(modes[data[0] % 5]);
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  size_t cut = text.find('\xff');  // never in valid JSON: splits the input into two documents
  if (cut == std::string_view::npos) return 0;
  std::string a(text.substr(0, cut)), b(text.substr(cut + 1));
  a.reserve(a.size() + simdjson::SIMDJSON_PADDING);
  b.reserve(b.size() + simdjson::SIMDJSON_PADDING);
  static dom::parser pa, pb;
  dom::element ra, rb;
  if (pa.parse(a.data(), a.size(), false).get(ra) || pb.parse(b.data(), b.size(), false).get(rb)) return 0;
  jsift::key_hasher kh(spec);
  jsift::hash128 ha{}, hb{}, ta{}, tb{};
  FUZZ_CHECK(kh.hash(ra, ha) && kh.hash(rb, hb));
  FUZZ_CHECK(kh.hash(pa.doc, ta) && kh.hash(pb.doc, tb));
  FUZZ_CHECK(ha == ta && hb == tb);  // the tape walk is the element walk
  FUZZ_CHECK((ha == hb) == (canon(ra, spec.norm) == canon(rb, spec.norm)));
  return 0;
}
