#include "jsift/stages/emit_plan.hpp"

namespace jsift {

std::map<std::string, uint64_t> threshold_sizes(const std::map<std::string, quota>& quotas) {
  std::map<std::string, uint64_t> k;
  for (auto& [g, q] : quotas)
    if (q.available) k[g] = q.keep % q.available;  // keep < available: keep; == : 0 (all); > : the remainder
  return k;
}

emit_plan::emit_plan(const std::map<std::string, quota>& quotas, const std::map<std::string, sel_key>& thresholds) {
  for (auto& [g, q] : quotas) {
    group_plan p;
    if (q.available > 0 && q.keep == q.available) {
      p.all = true;
    } else if (q.available > 0 && q.keep > 0) {
      p.base = q.keep / q.available;
      if (q.keep % q.available) p.threshold = thresholds.at(g);
    }
    plans_[g] = p;
  }
}

const group_plan* emit_plan::find(std::string_view group) const {
  auto it = plans_.find(group);
  return it == plans_.end() ? nullptr : &it->second;
}

uint64_t emit_plan::copies(std::string_view group, const sel_key& key) const {
  const group_plan* p = find(group);
  if (!p) return 0;
  if (p->all) return 1;
  return p->base + (p->threshold && key <= *p->threshold ? 1 : 0);
}

}  // namespace jsift
