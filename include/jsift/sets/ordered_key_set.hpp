// jsift/sets/ordered_key_set.hpp — a keep-first seen-set that chunks resolve
// on their own workers, at once, with exactly the verdicts one thread
// inserting every key in input order would give.
//
// Keys are split into 64 partitions by hash bits (key_set places keys by
// `hi`, partitions take the top six bits of `lo`). Each partition applies the
// chunks' keys in chunk sequence order: a chunk that ends early leaves its
// share pending, and whichever worker submits the missing chunk applies it
// and every pending chunk after it, under the partition's lock. A key meets
// its earlier occurrences first because they are all in its partition, in
// order; partitions never wait for one another.
//
// Contract: every sequence number 0, 1, 2... is submitted exactly once (a
// chunk without keys too), and a batch lives until its chunk is committed.
// When the ordered commit reaches chunk c, every chunk up to c has been
// submitted (their workers are done), so c is resolved: its verdicts are
// read there without further locking (the engine's hand-over of finished
// chunks orders the writes before the reads).
//
// Memory: key_set's (20-30 bytes per distinct key, 30-45 with payloads),
// charged to the budget when given, plus the batches in flight (the
// engine's window bounds them).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "jsift/sets/key_set.hpp"

namespace jsift {

class ordered_key_set {
 public:
  static constexpr unsigned partitions = 64;

  // One chunk's keys, and once resolved, what the set said of each.
  struct batch {
    uint64_t seq = 0;
    std::vector<hash128> keys;
    std::vector<uint64_t> payload;  // per key when the set keeps payloads
    std::vector<uint8_t> fresh;     // out: 1 for the key's first occurrence
    std::vector<uint64_t> first;    // out, with payloads: a repeat's first occurrence's payload
    void clear() {
      keys.clear();
      payload.clear();
    }

   private:
    friend class ordered_key_set;
    std::vector<uint32_t> order_;  // positions by partition
    std::array<uint32_t, partitions + 1> start_{};
  };

  explicit ordered_key_set(bool with_payload = false, memory_budget* budget = nullptr);
  ~ordered_key_set();
  ordered_key_set(const ordered_key_set&) = delete;
  ordered_key_set& operator=(const ordered_key_set&) = delete;

  // Thread-safe (see the contract above).
  void submit(batch& b);
  // Before the first submit, on one thread: a key from outside the input
  // (an index of earlier runs). True if it was new.
  bool preload(const hash128& h, uint64_t payload);
  void reserve(size_t n);  // room for n keys in all
  bool contains(const hash128& h) const;  // not while chunks are submitted

  size_t size() const;
  size_t memory_bytes() const;
  // Every key, partition by partition, each in its table's slot order
  // (deterministic: a partition's keys arrive in input order, so its table
  // fills the same way for any -j).
  void for_each(const std::function<void(const hash128&)>& f) const;

 private:
  struct partition;
  void apply(partition& part, unsigned p, batch& b);
  bool payload_on_;
  std::unique_ptr<partition[]> parts_;
};

}  // namespace jsift
