#include "jsift/value_hash.hpp"

#include <xxh_x86dispatch.h>

namespace jsift {

hash128 hash_bytes(std::string_view bytes) noexcept {
  XXH128_hash_t h = XXH3_128bits(bytes.data(), bytes.size());
  return {h.low64, h.high64};
}

void append_value_key(std::string& out, simdjson::dom::element v) {
  using simdjson::dom::element_type;
  if (v.type() == element_type::STRING) {
    std::string_view s = v.get_string().value_unsafe();
    out += 's';
    // Length-prefix so that tuples cannot alias ("ab","c" vs "a","bc").
    uint64_t n = s.size();
    out.append(reinterpret_cast<const char*>(&n), sizeof n);
    out.append(s);
    return;
  }
  std::string j = simdjson::minify(v);
  out += 'j';
  uint64_t n = j.size();
  out.append(reinterpret_cast<const char*>(&n), sizeof n);
  out.append(j);
}

bool path_key_hash(const path& p, simdjson::dom::element root, std::string& scratch, hash128& out) {
  scratch.clear();
  bool any = false;
  p.visit(root, [&](simdjson::dom::element e) {
    any = true;
    append_value_key(scratch, e);
  });
  if (!any) return false;
  out = hash_bytes(scratch);
  return true;
}

std::string value_text(simdjson::dom::element v) {
  if (v.type() == simdjson::dom::element_type::STRING) return std::string(v.get_string().value_unsafe());
  return simdjson::minify(v);
}

std::string group_text(const path& p, simdjson::dom::element root) {
  if (!p.is_multi()) {
    auto v = p.first(root);
    return v ? value_text(*v) : std::string("(missing)");
  }
  std::string out;
  size_t n = 0;
  p.visit(root, [&](simdjson::dom::element e) {
    out += n++ ? "," : "[";
    out += simdjson::minify(e);
  });
  if (n == 0) return "(missing)";
  out += ']';
  return out;
}

}  // namespace jsift
