// jsift/stages/selection_planner.hpp — the passes a selection needs before
// it can emit, in one place for `rebalance`, `sample -n` and `run`:
//   --target, --equal: a counting survey (quotas depend on group sizes), then
//     a survey for the thresholds of the groups that are cut;
//   --cap, --cap-all (and sample -n): one survey, counting and finding
//     thresholds together.
// The caller supplies the survey pass (which records take part: the input's,
// or those that survive run's filter and dedup); the planner decides what to
// ask of it and turns the answers into quotas and an emit_plan.
//
// Throws usage_error for an infeasible request (quota.hpp). Stateless.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "jsift/stages/bottom_k.hpp"
#include "jsift/stages/emit_plan.hpp"
#include "jsift/stages/quota.hpp"

namespace jsift {

struct survey_request {
  std::map<std::string, uint64_t> k;  // smallest keys to keep per group
  uint64_t default_k = 0;             // for groups not in k
};

// One survey pass over the records that take part; returns what it found.
using survey_pass = std::function<bottom_k(const survey_request&)>;

struct planned_selection {
  std::map<std::string, quota> quotas;
  emit_plan plan;
  unsigned surveys = 0;  // passes run before the emitting one
  // The output's expected size, known before any record is written: each
  // group's quota times its mean record size (newline included).
  uint64_t output_bytes = 0;
};

planned_selection plan_selection(const quota_request& req, const survey_pass& survey);

}  // namespace jsift
