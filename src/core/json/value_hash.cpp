#include "jsift/json/value_hash.hpp"

#include <xxh_x86dispatch.h>

namespace jsift {

hash128 hash_bytes(std::string_view bytes) noexcept {
  XXH128_hash_t h = XXH3_128bits(bytes.data(), bytes.size());
  return {h.low64, h.high64};
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
