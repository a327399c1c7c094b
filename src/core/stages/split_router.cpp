#include "jsift/stages/split_router.hpp"

#include <cmath>

#include <fmt/format.h>
#include <xxh_x86dispatch.h>

#include "jsift/error.hpp"

namespace jsift {

void check_split_name(std::string_view name, std::string_view field) {
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string_view::npos || name.find('\0') != std::string_view::npos)
    throw option_error(std::string(field), fmt::format("'{}' cannot be a file name (a split name must not be empty, '.', '..' or hold '/')", name));
}

split_router::split_router(std::vector<ratio> ratios, key_spec key, uint64_t seed, keyless_policy keyless)
    : ratios_(std::move(ratios)), key_(std::move(key)), seed_(seed), keyless_(keyless) {
  if (ratios_.empty()) throw option_error("ratios", "give at least one split");
  double sum = 0;
  for (auto& [name, share] : ratios_) {
    check_split_name(name, "ratios");
    if (!std::isfinite(share) || share < 0 || share > 1)
      throw option_error("ratios", fmt::format("the share of '{}' must be a number from 0 to 1", name));
    sum += share;
  }
  if (std::fabs(sum - 1.0) > 1e-6) throw option_error("ratios", fmt::format("shares sum to {:.6g}; they must sum to 1", sum));
  sum = 0;
  for (size_t i = 0; i < ratios_.size(); ++i) {
    sum += ratios_[i].second;
    cuts_.push_back(i + 1 == ratios_.size() || sum >= 1.0 ? UINT64_MAX : uint64_t(std::ldexp(sum, 64)));
  }
}

size_t split_router::bucket_of(uint64_t h) const {
  size_t b = 0;
  while (b + 1 < cuts_.size() && h >= cuts_[b]) ++b;
  return b;
}

std::optional<size_t> split_router::bucket(key_hasher& kh, const record_ref& rec) const {
  if (key_.paths.empty()) return bucket_of(XXH3_64bits_withSeed(rec.line.data(), rec.line.size(), seed_));
  hash128 k;
  if (!kh.hash(rec.root, k)) return std::nullopt;
  return bucket_of(XXH3_64bits_withSeed(&k, sizeof k, seed_));
}

std::string split_router::key_text() const {
  std::string out;
  for (const auto& p : key_.paths) out += (out.empty() ? "" : ", ") + p.text();
  return out;
}

}  // namespace jsift
