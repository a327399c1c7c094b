#include "jsift/sets/key_set.hpp"

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
  const size_t cap = slots_.empty() ? 64 : slots_.size() + slots_.size() / 2;
  const size_t old_bytes = memory_bytes();
  const size_t new_bytes = cap * (sizeof(hash128) + (payload_on_ ? 8 : 0));
  if (budget_ && budget_->limit && budget_->used - old_bytes + new_bytes > budget_->limit)
    throw std::system_error(ENOMEM, std::generic_category(),
                            fmt::format("the key set of {} distinct keys would need {} in all, over {} ({})", size_,
                                        human_bytes(budget_->used - old_bytes + new_bytes), budget_->what,
                                        human_bytes(budget_->limit)));
  std::vector<hash128> old;
  std::vector<uint64_t> old_payload;
  old.swap(slots_);
  old_payload.swap(payload_);
  slots_.assign(cap, hash128{});
  if (payload_on_) payload_.assign(cap, 0);
  for (size_t k = 0; k < old.size(); ++k) {
    const hash128& h = old[k];
    if (empty(h)) continue;
    size_t i = find_slot(h);
    slots_[i] = h;
    if (payload_on_) payload_[i] = old_payload[k];
  }
  if (budget_) budget_->used = budget_->used - old_bytes + new_bytes;
}

}  // namespace jsift
