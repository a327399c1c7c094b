// jsift/stages/emit_plan.hpp — what the emitting pass of a selection does
// with each record: how many copies of it to write (0: sampled out; more than
// 1: upsampled). Built from the quotas (quota.hpp) and the thresholds that
// the survey found (bottom_k.hpp); shared by `rebalance`, `sample -n` and
// `run`'s [rebalance].
//
// A group whose quota is every record keeps all of them once; a smaller quota
// keeps the records at or under its threshold; a larger one (upsampling)
// repeats every record `base` times and the threshold's records once more,
// so quotas are met exactly. Immutable once built: copies() is safe from any
// number of threads.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "jsift/stages/quota.hpp"
#include "jsift/stages/selector.hpp"

namespace jsift {

struct group_plan {
  uint64_t base = 0;                 // copies of every record (upsampling), usually 0
  std::optional<sel_key> threshold;  // records with key <= threshold get one more copy
  bool all = false;                  // keep every record once
};

// Heap sizes for the survey: for each group, how many smallest keys decide
// its quota (the remainder when upsampling; 0 when the group is kept whole or
// not at all).
std::map<std::string, uint64_t> threshold_sizes(const std::map<std::string, quota>& quotas);

class emit_plan {
 public:
  emit_plan() = default;  // keeps nothing
  // From the quotas and the survey's thresholds (one for every group whose
  // quota needs one: threshold_sizes()).
  emit_plan(const std::map<std::string, quota>& quotas, const std::map<std::string, sel_key>& thresholds);
  // Copies of a record of `group` with selection key `key` (a group the plan
  // does not know keeps nothing).
  uint64_t copies(std::string_view group, const sel_key& key) const;
  const group_plan* find(std::string_view group) const;

 private:
  struct string_hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, group_plan, string_hash, std::equal_to<>> plans_;
};

}  // namespace jsift
