#include "jsift/stages/selector.hpp"

#include <xxh_x86dispatch.h>

#include "jsift/error.hpp"
#include "jsift/json/value_hash.hpp"

namespace jsift {
namespace dom = simdjson::dom;

selector selector::parse(std::string_view by, const std::vector<std::string>& key, uint64_t seed) {
  selector s;
  if (!by.empty()) s.by = for_option("by", [&] { return path::parse(by); });
  s.key = key_spec::parse(key, "none");
  s.seed = seed;
  return s;
}

void select_record(const selector& sel, key_hasher& kh, const record_ref& rec, record_selection& out) {
  if (!sel.by) {
    out.group = "(all)";
  } else if (auto v = sel.by->is_multi() ? std::nullopt : sel.by->first(rec.root);
             v && v->type() == dom::element_type::STRING && !reads_as_other_value(v->get_string().value_unsafe())) {
    out.group.assign(v->get_string().value_unsafe());
  } else {
    out.group = group_text(*sel.by, rec.root);
  }
  uint64_t h;
  hash128 k;
  if (!sel.key.paths.empty() && kh.hash(rec.root, k)) h = XXH3_64bits_withSeed(&k, sizeof k, sel.seed);
  else h = XXH3_64bits_withSeed(rec.line.data(), rec.line.size(), sel.seed);
  out.key = sel_key{h, rec.file, rec.offset};
}

}  // namespace jsift
