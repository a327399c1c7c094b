// jsift/key_set.hpp — a set of 128-bit hashes in one open-addressing table
// (linear probing, power-of-two capacity, at most 70 % full): 16 bytes a
// slot, so 23 to 46 bytes per distinct key. Not thread-safe: each chunk
// collects keys in a vector and the ordered commit inserts them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "jsift/value_hash.hpp"

namespace jsift {

class key_set {
 public:
  // True if h was not in the set (and is now).
  bool insert(hash128 h);
  bool contains(hash128 h) const;
  size_t size() const { return size_; }
  size_t memory_bytes() const { return slots_.size() * sizeof(hash128); }

 private:
  void grow();
  std::vector<hash128> slots_;  // {0,0} marks an empty slot
  size_t size_ = 0;
  bool has_zero_ = false;  // the one key that collides with the empty marker
};

}  // namespace jsift
