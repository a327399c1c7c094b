// jsift/stages/quota.hpp — how many records of each group a selection keeps:
// the arithmetic of `rebalance` (--target / --cap / --cap-all / --equal)
// and `sample -n`, separate from any I/O so it can be tested exactly.
//
// Targets are shares of the output. Counts are exact: shares are turned into
// whole records by the largest-remainder method (ties by group name), so the
// quotas always sum to the total. Without --total, the total is the largest
// one the data allows without upsampling. An infeasible request (a quota over
// a group's records without allow_upsample, a target for a group with no
// records, shares that do not sum to 1) is a usage_error saying why.
// Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jsift {

enum class others_policy { drop, keep };

struct quota_request {
  // proportional: `total` records in all, each group its share of the input
  // (sample --total); the others as the rebalance flags say.
  enum class kind { target, cap, cap_all, equal, proportional } mode = kind::cap_all;
  std::map<std::string, double> shares;    // --target
  std::map<std::string, uint64_t> caps;    // --cap
  uint64_t cap_all = 0;                    // --cap-all
  std::optional<uint64_t> total;           // --total
  others_policy others = others_policy::drop;
  bool allow_upsample = false;
};

// What a front end was given (flags or a [rebalance] table); request() is
// the one place that checks the combination: exactly one of target, cap,
// cap_all, equal; total only with target or equal; cap_all above 0.
// Throws option_error.
struct quota_spec {
  std::optional<std::map<std::string, double>> target;
  std::optional<std::map<std::string, uint64_t>> cap;
  std::optional<uint64_t> cap_all;
  bool equal = false;
  std::optional<uint64_t> total;
  others_policy others = others_policy::drop;
  bool allow_upsample = false;
  quota_request request() const;
};

// "chat=0.35,qa=0.2" -> {chat: 0.35, qa: 0.2}; throws option_error naming flag.
std::map<std::string, double> parse_shares(std::string_view text, std::string_view flag);
std::map<std::string, uint64_t> parse_counts(std::string_view text, std::string_view flag);

struct quota {
  uint64_t available = 0;  // records of the group in the input
  uint64_t keep = 0;       // records to output (may exceed available when upsampling)
  std::optional<double> share;  // the requested share, if any
};

// Quotas for every group of `counts` (group -> records available).
std::map<std::string, quota> plan_quotas(const std::map<std::string, uint64_t>& counts, const quota_request& req);

}  // namespace jsift
