#include "jsift/key_set.hpp"

namespace jsift {
namespace {
inline bool empty(const hash128& h) { return h.lo == 0 && h.hi == 0; }
}  // namespace

bool key_set::insert(hash128 h) {
  if (empty(h)) {
    if (has_zero_) return false;
    has_zero_ = true;
    ++size_;
    return true;
  }
  if ((size_ + 1) * 10 > slots_.size() * 7) grow();
  const size_t mask = slots_.size() - 1;
  for (size_t i = size_t(h.lo) & mask;; i = (i + 1) & mask) {
    hash128& s = slots_[i];
    if (empty(s)) {
      s = h;
      ++size_;
      return true;
    }
    if (s == h) return false;
  }
}

bool key_set::contains(hash128 h) const {
  if (empty(h)) return has_zero_;
  if (slots_.empty()) return false;
  const size_t mask = slots_.size() - 1;
  for (size_t i = size_t(h.lo) & mask;; i = (i + 1) & mask) {
    const hash128& s = slots_[i];
    if (empty(s)) return false;
    if (s == h) return true;
  }
}

void key_set::grow() {
  std::vector<hash128> old;
  old.swap(slots_);
  slots_.assign(old.empty() ? 64 : old.size() * 2, hash128{});
  const size_t mask = slots_.size() - 1;
  for (const hash128& h : old) {
    if (empty(h)) continue;
    size_t i = size_t(h.lo) & mask;
    while (!empty(slots_[i])) i = (i + 1) & mask;
    slots_[i] = h;
  }
}

}  // namespace jsift
