#include "jsift/sets/string_counter.hpp"

#include <xxh_x86dispatch.h>

namespace jsift {
namespace {
constexpr uint32_t empty_id = UINT32_MAX;
}

size_t string_counter::probe(std::string_view s, uint64_t h) const {
  const size_t mask = slots_.size() - 1;
  for (size_t i = size_t(h) & mask;; i = (i + 1) & mask) {
    const slot& sl = slots_[i];
    if (sl.id == empty_id || (sl.hash == h && names_[sl.id] == s)) return i;
  }
}

size_t string_counter::find(std::string_view s) const {
  if (slots_.empty()) return npos;
  const slot& sl = slots_[probe(s, XXH3_64bits(s.data(), s.size()))];
  return sl.id == empty_id ? npos : sl.id;
}

size_t string_counter::add(std::string_view s, uint64_t n) {
  if ((names_.size() + 1) * 2 > slots_.size()) grow();
  uint64_t h = XXH3_64bits(s.data(), s.size());
  slot& sl = slots_[probe(s, h)];
  if (sl.id != empty_id) {
    counts_[sl.id] += n;
    return sl.id;
  }
  if (names_.size() >= max_) return npos;
  sl = slot{h, uint32_t(names_.size())};
  names_.emplace_back(s);
  counts_.push_back(n);
  return sl.id;
}

void string_counter::grow() {
  std::vector<slot> old;
  old.swap(slots_);
  slots_.assign(old.empty() ? 16 : old.size() * 2, slot{0, empty_id});
  const size_t mask = slots_.size() - 1;
  for (const slot& sl : old) {
    if (sl.id == empty_id) continue;
    size_t i = size_t(sl.hash) & mask;
    while (slots_[i].id != empty_id) i = (i + 1) & mask;
    slots_[i] = sl;
  }
}

}  // namespace jsift
