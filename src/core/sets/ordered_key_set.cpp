#include "jsift/sets/ordered_key_set.hpp"

#include "partitions.hpp"

#include <map>
#include <mutex>
#include <stdexcept>

namespace jsift {

static_assert(ordered_key_set::partitions == detail::key_partitions);

struct alignas(64) ordered_key_set::partition {
  std::mutex m;
  key_set set;
  uint64_t next = 0;                    // the sequence number it applies next
  std::map<uint64_t, batch*> pending;  // later chunks that ended first
};

ordered_key_set::ordered_key_set(bool with_payload, memory_budget* budget)
    : payload_on_(with_payload), parts_(new partition[partitions]) {
  for (unsigned p = 0; p < partitions; ++p) parts_[p].set = key_set(with_payload, budget);
}

ordered_key_set::~ordered_key_set() = default;

void ordered_key_set::apply(partition& part, unsigned p, batch& b) {
  const uint32_t from = b.start_[p], to = b.start_[p + 1];
  for (uint32_t k = from; k < to; ++k) {
    if (k + 8 < to) part.set.prefetch(b.keys[b.order_[k + 8]]);
    const uint32_t i = b.order_[k];
    if (payload_on_) b.fresh[i] = part.set.insert_or_get(b.keys[i], b.payload[i], &b.first[i]);
    else b.fresh[i] = part.set.insert(b.keys[i]);
  }
}

void ordered_key_set::submit(batch& b) {
  const size_t n = b.keys.size();
  detail::sort_by_partition(b.keys.data(), n, b.order_, b.start_);  // within a partition, chunk order
  b.fresh.assign(n, 0);
  if (payload_on_) b.first.assign(n, 0);

  for (unsigned p = 0; p < partitions; ++p) {
    partition& part = parts_[p];
    std::lock_guard<std::mutex> lock(part.m);
    // A chunk submitted twice (or a second pass over one set) would wait
    // forever and leave its verdicts unset: a bug, said at once.
    if (b.seq < part.next || part.pending.count(b.seq)) throw std::logic_error("ordered_key_set: chunk submitted twice");
    if (b.seq != part.next) {
      part.pending.emplace(b.seq, &b);
      continue;
    }
    apply(part, p, b);
    ++part.next;
    for (auto it = part.pending.begin(); it != part.pending.end() && it->first == part.next; it = part.pending.erase(it)) {
      apply(part, p, *it->second);
      ++part.next;
    }
  }
}

bool ordered_key_set::preload(const hash128& h, uint64_t payload) { return parts_[detail::partition_of(h)].set.insert(h, payload); }

void ordered_key_set::reserve(size_t n) {
  const size_t each = n / partitions + n / partitions / 16 + 1;
  for (unsigned p = 0; p < partitions; ++p) {
    std::lock_guard<std::mutex> lock(parts_[p].m);
    parts_[p].set.reserve(each);
  }
}

bool ordered_key_set::contains(const hash128& h) const { return parts_[detail::partition_of(h)].set.contains(h); }

size_t ordered_key_set::size() const {
  size_t s = 0;
  for (unsigned p = 0; p < partitions; ++p) s += parts_[p].set.size();
  return s;
}

size_t ordered_key_set::memory_bytes() const {
  size_t s = 0;
  for (unsigned p = 0; p < partitions; ++p) s += parts_[p].set.memory_bytes();
  return s;
}

void ordered_key_set::for_each(const std::function<void(const hash128&)>& f) const {
  for (unsigned p = 0; p < partitions; ++p) parts_[p].set.for_each(f);
}

}  // namespace jsift
