#include "jsift/stages/bottom_k.hpp"

#include "jsift/io/partial_file.hpp"

#include <algorithm>
#include <cerrno>
#include <system_error>

#include <fmt/format.h>

#include "jsift/io/units.hpp"

namespace jsift {

bottom_k::bottom_k(std::map<std::string, uint64_t> k, uint64_t default_k, memory_budget* budget)
    : k_(k.begin(), k.end()), default_k_(default_k), budget_(budget) {}

bottom_k::~bottom_k() {
  if (budget_) budget_->used -= charged_;
}

bottom_k::bottom_k(bottom_k&& o) noexcept
    : k_(std::move(o.k_)),
      default_k_(o.default_k_),
      counts_(std::move(o.counts_)),
      bytes_(std::move(o.bytes_)),
      budget_(o.budget_),
      charged_(o.charged_),
      heaps_(std::move(o.heaps_)) {
  o.charged_ = 0;
}

uint64_t bottom_k::k_of(std::string_view group) const {
  auto it = k_.find(group);
  return it == k_.end() ? default_k_ : it->second;
}

void bottom_k::count(std::string_view group, uint64_t n, uint64_t bytes) {
  auto it = counts_.find(group);
  if (it == counts_.end()) it = counts_.emplace(std::string(group), 0).first;
  it->second += n;
  auto b = bytes_.find(group);
  if (b == bytes_.end()) b = bytes_.emplace(std::string(group), 0).first;
  b->second += bytes;
}

void bottom_k::offer(std::string_view group, const sel_key& key) {
  const uint64_t k = k_of(group);
  if (k == 0) return;
  auto it = heaps_.find(group);
  if (it == heaps_.end()) it = heaps_.emplace(std::string(group), std::vector<sel_key>{}).first;
  auto& heap = it->second;
  if (heap.size() < k) {
    if (budget_) {
      if (budget_->limit && budget_->used + sizeof key > budget_->limit)
        throw std::system_error(ENOMEM, std::generic_category(),
                                fmt::format("the selection's smallest keys would need over {} ({}): lower the quotas, or raise it",
                                            budget_->what, human_bytes(budget_->limit)));
      budget_->used += sizeof key;
      charged_ += sizeof key;
    }
    heap.push_back(key);
    std::push_heap(heap.begin(), heap.end());
  } else if (key < heap.front()) {
    std::pop_heap(heap.begin(), heap.end());
    heap.back() = key;
    std::push_heap(heap.begin(), heap.end());
  }
}

std::map<std::string, sel_key> bottom_k::thresholds() const {
  std::map<std::string, sel_key> out;
  for (auto& [g, heap] : heaps_)
    if (!heap.empty()) out[g] = heap.front();  // the largest of the k smallest
  return out;
}

void bottom_k::write(partial_writer& w) const {
  w.u64(counts_.size());
  for (const auto& [g, n] : counts_) {
    w.str(g);
    w.u64(n);
    const auto b = bytes_.find(g);
    w.u64(b == bytes_.end() ? 0 : b->second);
  }
  w.u64(heaps_.size());
  for (const auto& [g, heap] : heaps_) {
    w.str(g);
    w.u64(heap.size());
    for (const sel_key& k : heap) w.u64(k.hash), w.u64(k.file), w.u64(k.offset);
  }
}

void bottom_k::read_merge(partial_reader& r) {
  for (uint64_t n = r.u64(); n > 0; --n) {
    const std::string g = r.str();
    const uint64_t records = r.u64();
    count(g, records, r.u64());
  }
  for (uint64_t n = r.u64(); n > 0; --n) {
    const std::string g = r.str();
    const uint64_t keys = r.u64();
    if (keys > r.remaining() / 24) r.fail("more keys than bytes");
    for (uint64_t i = 0; i < keys; ++i) {
      sel_key k;
      k.hash = r.u64();
      k.file = uint32_t(r.u64());
      k.offset = r.u64();
      offer(g, k);
    }
  }
}

}  // namespace jsift
