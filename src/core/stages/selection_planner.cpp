#include "jsift/stages/selection_planner.hpp"

namespace jsift {
namespace {
std::map<std::string, uint64_t> plain_counts(const bottom_k& b) { return {b.counts().begin(), b.counts().end()}; }
}  // namespace

planned_selection plan_selection(const quota_request& req, const survey_pass& survey) {
  using kind = quota_request::kind;
  planned_selection out;
  survey_request ask;
  const bool needs_counts = req.mode == kind::target || req.mode == kind::equal;
  if (needs_counts) {
    bottom_k counted = survey(survey_request{});
    ++out.surveys;
    out.quotas = plan_quotas(plain_counts(counted), req);
    ask.k = threshold_sizes(out.quotas);
  } else if (req.mode == kind::cap) {
    ask.k = req.caps;
  } else {
    ask.default_k = req.cap_all;
  }
  bottom_k found = survey(ask);
  ++out.surveys;
  if (!needs_counts) out.quotas = plan_quotas(plain_counts(found), req);
  out.plan = emit_plan(out.quotas, found.thresholds());
  return out;
}

}  // namespace jsift
