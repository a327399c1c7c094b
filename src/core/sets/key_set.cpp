#include "jsift/sets/key_set.hpp"

#include <algorithm>
#include <cerrno>
#include <system_error>

#include <fmt/format.h>

#include "jsift/engine/record_parser.hpp"
#include "jsift/io/units.hpp"

namespace jsift {
namespace {
inline bool empty(const hash128& h) { return (h.lo | h.hi) == 0; }
}  // namespace

key_set::~key_set() {
  if (budget_) budget_->used -= memory_bytes();
}

key_set::key_set(key_set&& o) noexcept
    : slots_(std::move(o.slots_)),
      payload_(std::move(o.payload_)),
      size_(o.size_),
      has_zero_(o.has_zero_),
      zero_payload_(o.zero_payload_),
      payload_on_(o.payload_on_),
      budget_(o.budget_) {
  o.slots_.clear();
  o.size_ = 0;
  o.has_zero_ = false;
}

key_set& key_set::operator=(key_set&& o) noexcept {
  if (this == &o) return *this;
  if (budget_) budget_->used -= memory_bytes();
  slots_ = std::move(o.slots_);
  payload_ = std::move(o.payload_);
  size_ = o.size_;
  has_zero_ = o.has_zero_;
  zero_payload_ = o.zero_payload_;
  payload_on_ = o.payload_on_;
  budget_ = o.budget_;
  o.slots_.clear();
  o.size_ = 0;
  o.has_zero_ = false;
  return *this;
}

size_t key_set::find_slot(const hash128& h) const {
  const size_t n = slots_.size();
  for (size_t i = slot_of(h);; i = i + 1 == n ? 0 : i + 1) {
    const hash128& s = slots_[i];
    if (empty(s) || s == h) return i;
  }
}

bool key_set::insert(hash128 h, uint64_t payload) { return insert_or_get(h, payload, nullptr); }

bool key_set::insert_or_get(hash128 h, uint64_t payload, uint64_t* first) {
  if (empty(h)) {
    if (has_zero_) {
      if (first) *first = zero_payload_;
      return false;
    }
    has_zero_ = true;
    zero_payload_ = payload;
    ++size_;
    return true;
  }
  if ((size_ + 1) * 5 > slots_.size() * 4) grow();
  size_t i = find_slot(h);
  if (!empty(slots_[i])) {
    if (first) *first = payload_on_ ? payload_[i] : 0;
    return false;
  }
  slots_[i] = h;
  if (payload_on_) payload_[i] = payload;
  ++size_;
  return true;
}

bool key_set::contains(hash128 h) const {
  if (empty(h)) return has_zero_;
  if (slots_.empty()) return false;
  return !empty(slots_[find_slot(h)]);
}

void key_set::grow() {
  // Tiny reserved tables grow by at least 64 slots: by half alone, 1 would stay 1.
  resize(slots_.empty() ? 64 : std::max(slots_.size() + slots_.size() / 2, slots_.size() + 64), true);
}

bool key_set::reserve(size_t n) {
  if (n * 5 <= slots_.size() * 4) return true;
  return resize(std::max<size_t>(64, n + n / 4 + 1), false);
}

bool key_set::resize(size_t cap, bool must) {
  const size_t old_bytes = memory_bytes();
  const size_t new_bytes = cap * (sizeof(hash128) + (payload_on_ ? 8 : 0));
  if (budget_) {
    // Charged before the allocation, so sets growing on two threads at once
    // cannot both slip under the limit.
    const uint64_t delta = new_bytes - old_bytes;
    const uint64_t total = budget_->used.fetch_add(delta) + delta;
    if (budget_->limit && total > budget_->limit) {
      budget_->used.fetch_sub(delta);
      if (!must) return false;
      throw std::system_error(ENOMEM, std::generic_category(),
                              fmt::format("the key set of {} distinct keys would need {} in all, over {} ({})", size_,
                                          human_bytes(total), budget_->what, human_bytes(budget_->limit)));
    }
  }
  std::vector<hash128> old;
  std::vector<uint64_t> old_payload;
  try {
    std::vector<hash128> fresh(cap, hash128{});
    std::vector<uint64_t> fresh_payload(payload_on_ ? cap : 0, 0);
    old.swap(slots_);
    old_payload.swap(payload_);
    slots_.swap(fresh);
    payload_.swap(fresh_payload);
  } catch (...) {
    if (budget_) budget_->used.fetch_sub(new_bytes - old_bytes);
    throw;
  }
  for (size_t k = 0; k < old.size(); ++k) {
    const hash128& h = old[k];
    if (empty(h)) continue;
    size_t i = find_slot(h);
    slots_[i] = h;
    if (payload_on_) payload_[i] = old_payload[k];
  }
  return true;
}

}  // namespace jsift
