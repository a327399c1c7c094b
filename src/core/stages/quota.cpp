#include "jsift/stages/quota.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <type_traits>

#include <fmt/format.h>

#include "jsift/error.hpp"
#include "jsift/io/units.hpp"

namespace jsift {
namespace {

template <class T>
std::map<std::string, T> parse_pairs(std::string_view text, std::string_view flag, std::string_view what) {
  std::map<std::string, T> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t comma = text.find(',', start);
    std::string_view item = text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    size_t eq = item.rfind('=');
    if (eq == std::string_view::npos || eq == 0)
      throw option_error(std::string(flag), fmt::format("expected GROUP={},..., got '{}'", what, item));
    std::string_view num = item.substr(eq + 1);
    T v{};
    bool ok;
    if constexpr (std::is_floating_point_v<T>) {
      try {
        v = T(parse_number(num, flag));
        ok = v >= T(0);
      } catch (const option_error&) {
        ok = false;
      }
    } else {
      auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), v);
      ok = ec == std::errc() && p == num.data() + num.size();
    }
    if (!ok)
      throw option_error(std::string(flag), fmt::format("'{}' is not a valid {} for group '{}'", num, what, item.substr(0, eq)));
    if (!out.emplace(std::string(item.substr(0, eq)), v).second)
      throw option_error(std::string(flag), fmt::format("group '{}' is named twice", item.substr(0, eq)));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  if (out.empty()) throw option_error(std::string(flag), fmt::format("expected GROUP={},...", what));
  return out;
}

// Splits `total` by `weights` into whole numbers that sum to it exactly
// (largest remainder; ties by group name, i.e. map order).
std::map<std::string, uint64_t> apportion(uint64_t total, const std::map<std::string, double>& weights) {
  double sum = 0;
  for (auto& [g, w] : weights) sum += w;
  std::map<std::string, uint64_t> out;
  std::vector<std::pair<double, std::string>> rest;
  uint64_t given = 0;
  for (auto& [g, w] : weights) {
    double exact = sum > 0 ? double(total) * w / sum : 0;
    uint64_t base = uint64_t(std::floor(exact + 1e-9));
    out[g] = base;
    given += base;
    rest.emplace_back(exact - double(base), g);
  }
  std::stable_sort(rest.begin(), rest.end(), [](auto& a, auto& b) { return a.first > b.first; });
  for (size_t i = 0; given < total && i < rest.size(); ++i, ++given) ++out[rest[i].second];
  return out;
}

}  // namespace

std::map<std::string, double> parse_shares(std::string_view text, std::string_view flag) {
  auto m = parse_pairs<double>(text, flag, "share");
  for (auto& [g, v] : m)
    if (v > 1.0) throw option_error(std::string(flag), fmt::format("share {} for '{}' is over 1 (shares are fractions of the output)", v, g));
  return m;
}

quota_request quota_spec::request() const {
  using kind = quota_request::kind;
  int modes = target.has_value() + cap.has_value() + cap_all.has_value() + equal;
  if (modes != 1) throw option_error("", "give exactly one of `target`, `cap`, `cap_all`, `equal`");
  quota_request r;
  if (target) r.mode = kind::target, r.shares = *target;
  if (cap) r.mode = kind::cap, r.caps = *cap;
  if (cap_all) {
    if (*cap_all == 0) throw option_error("cap_all", "expected a count above 0");
    r.mode = kind::cap_all, r.cap_all = *cap_all;
  }
  if (equal) r.mode = kind::equal;
  if (total) {
    if (r.mode != kind::target && r.mode != kind::equal) throw option_error("total", "goes with `target` or `equal`");
    r.total = total;
  }
  r.others = others;
  r.allow_upsample = allow_upsample;
  return r;
}

std::map<std::string, uint64_t> parse_counts(std::string_view text, std::string_view flag) {
  return parse_pairs<uint64_t>(text, flag, "count");
}

std::map<std::string, quota> plan_quotas(const std::map<std::string, uint64_t>& counts, const quota_request& req) {
  std::map<std::string, quota> out;
  for (auto& [g, n] : counts) out[g].available = n;
  using kind = quota_request::kind;

  if (req.mode == kind::cap || req.mode == kind::cap_all) {
    for (auto& [g, q] : out) {
      auto cap = req.caps.find(g);
      if (req.mode == kind::cap_all) q.keep = std::min(q.available, req.cap_all);
      else if (cap != req.caps.end()) q.keep = std::min(q.available, cap->second);
      else q.keep = req.others == others_policy::keep ? q.available : 0;
    }
    return out;
  }

  if (req.mode == kind::proportional) {  // sample --total N: a stratified sample of N in all
    std::map<std::string, double> w;
    uint64_t all = 0;
    for (auto& [g, q] : out) w[g] = double(q.available), all += q.available;
    for (auto& [g, k] : apportion(std::min(req.total.value_or(0), all), w)) out[g].keep = k;
  } else if (req.mode == kind::equal) {
    if (out.empty()) return out;
    std::map<std::string, double> w;
    uint64_t smallest = UINT64_MAX;
    for (auto& [g, q] : out) w[g] = 1.0, smallest = std::min(smallest, q.available);
    uint64_t total = req.total ? *req.total : smallest * out.size();
    for (auto& [g, k] : apportion(total, w)) out[g].keep = k;
  } else {  // target
    double sum = 0;
    for (auto& [g, s] : req.shares) {
      sum += s;
      if (s > 0 && !counts.count(g)) throw option_error("target", fmt::format("no record has group '{}'", g));
      out[g].share = s;
    }
    uint64_t others = 0;
    for (auto& [g, q] : out)
      if (!q.share) others += q.available;
    if (req.others == others_policy::drop && std::fabs(sum - 1.0) > 1e-6)
      throw option_error("target", fmt::format("shares sum to {:.6g}; they must sum to 1 (or use `others` keep, where "
                                               "the groups not named fill the rest)", sum));
    if (req.others == others_policy::keep && sum > 1.0 + 1e-6)
      throw option_error("target", fmt::format("shares sum to {:.6g}, over 1", sum));
    uint64_t total;
    if (req.others == others_policy::keep) {
      // The groups not named are kept whole and take the rest: that fixes the total.
      if (req.total) throw option_error("total", "goes with `others` drop (with keep, the groups not named fix the total)");
      if (1.0 - sum < 1e-9) throw option_error("others", "keep needs `target` shares that sum to less than 1");
      total = uint64_t(std::llround(double(others) / (1.0 - sum)));
      for (auto& [g, q] : out)
        if (!q.share) q.keep = q.available;
    } else if (req.total) {
      total = *req.total;
    } else {
      // The largest total without upsampling: every group can give its share.
      total = UINT64_MAX;
      for (auto& [g, s] : req.shares)
        if (s > 0) total = std::min(total, uint64_t(std::floor(double(out[g].available) / s + 1e-9)));
      if (total == UINT64_MAX) total = 0;
    }
    std::map<std::string, double> named(req.shares.begin(), req.shares.end());
    uint64_t named_total = req.others == others_policy::keep ? total - std::min(total, others) : total;
    for (auto& [g, k] : apportion(named_total, named)) out[g].keep = k;
  }

  if (!req.allow_upsample)
    for (auto& [g, q] : out)
      if (q.keep > q.available)
        throw option_error("", fmt::format("cannot keep {} records of group '{}': it has {} (lower `total`, or `allow_upsample` "
                                             "to repeat records)",
                                      q.keep, g, q.available));
  for (auto& [g, q] : out)
    if (q.keep > 0 && q.available == 0) throw usage_error(fmt::format("group '{}' has no records to upsample", g));
  return out;
}

}  // namespace jsift
