#include "jsift/stages/selection_planner.hpp"

namespace jsift {
namespace {
std::map<std::string, uint64_t> plain_counts(const bottom_k& b) { return {b.counts().begin(), b.counts().end()}; }

uint64_t expected_bytes(const std::map<std::string, quota>& quotas, const bottom_k& counted) {
  long double total = 0;
  for (auto& [g, q] : quotas) {
    auto b = counted.bytes().find(g);
    if (b == counted.bytes().end() || q.available == 0) continue;
    total += static_cast<long double>(q.keep) * static_cast<long double>(b->second) / static_cast<long double>(q.available);
  }
  return total >= 1.8e19L ? UINT64_MAX : uint64_t(total);
}
}  // namespace

planned_selection plan_selection(const quota_request& req, const survey_pass& survey) {
  using kind = quota_request::kind;
  planned_selection out;
  survey_request ask;
  const bool needs_counts = req.mode == kind::target || req.mode == kind::equal || req.mode == kind::proportional;
  if (needs_counts) {
    bottom_k counted = survey(survey_request{});
    ++out.surveys;
    out.quotas = plan_quotas(plain_counts(counted), req);
    out.output_bytes = expected_bytes(out.quotas, counted);
    ask.k = threshold_sizes(out.quotas);
  } else if (req.mode == kind::cap) {
    ask.k = req.caps;
  } else {
    ask.default_k = req.cap_all;
  }
  bottom_k found = survey(ask);
  ++out.surveys;
  if (!needs_counts) {
    out.quotas = plan_quotas(plain_counts(found), req);
    out.output_bytes = expected_bytes(out.quotas, found);
  }
  out.plan = emit_plan(out.quotas, found.thresholds());
  return out;
}

}  // namespace jsift
