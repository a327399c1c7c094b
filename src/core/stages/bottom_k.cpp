#include "jsift/stages/bottom_k.hpp"

#include <algorithm>

namespace jsift {

bottom_k::bottom_k(std::map<std::string, uint64_t> k, uint64_t default_k) : k_(k.begin(), k.end()), default_k_(default_k) {}

uint64_t bottom_k::k_of(std::string_view group) const {
  auto it = k_.find(group);
  return it == k_.end() ? default_k_ : it->second;
}

void bottom_k::count(std::string_view group, uint64_t n) {
  auto it = counts_.find(group);
  if (it == counts_.end()) it = counts_.emplace(std::string(group), 0).first;
  it->second += n;
}

void bottom_k::offer(std::string_view group, const sel_key& key) {
  const uint64_t k = k_of(group);
  if (k == 0) return;
  auto it = heaps_.find(group);
  if (it == heaps_.end()) it = heaps_.emplace(std::string(group), std::vector<sel_key>{}).first;
  auto& heap = it->second;
  if (heap.size() < k) {
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

}  // namespace jsift
