// jsift/stages/bottom_k.hpp — the survey of a selection: how many records
// each group has, and each group's k smallest selection keys (bottom-k), whose
// largest is the group's threshold. Used by `rebalance`/`sample -n` and by
// `run`'s [rebalance] survey alike.
//
// k is given per group, with a default for groups not named; a group with
// k = 0 is only counted (records and bytes). Memory: k keys (24 bytes each)
// per group, as max-heaps, charged to a memory_budget when given one (which
// must outlive the bottom_k): past its limit, offer() throws
// std::system_error(ENOMEM). Results do not depend on the order keys are
// offered in. Not thread-safe: the committing thread offers; workers may
// call wants().
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "jsift/sets/key_set.hpp"
#include "jsift/stages/selector.hpp"

namespace jsift {

class partial_writer;
class partial_reader;

class bottom_k {
 public:
  explicit bottom_k(std::map<std::string, uint64_t> k = {}, uint64_t default_k = 0, memory_budget* budget = nullptr);
  ~bottom_k();
  bottom_k(bottom_k&& o) noexcept;
  bottom_k& operator=(bottom_k&&) = delete;
  bottom_k(const bottom_k&) = delete;
  uint64_t k_of(std::string_view group) const;
  // Whether offers for this group can matter (its k is above 0).
  bool wants(std::string_view group) const { return k_of(group) > 0; }
  // n more records in `group` (offered or not), `bytes` long in all (with
  // their newlines).
  void count(std::string_view group, uint64_t n = 1, uint64_t bytes = 0);
  // Keeps `key` if it is among the group's k smallest so far.
  void offer(std::string_view group, const sel_key& key);
  const std::map<std::string, uint64_t, std::less<>>& counts() const { return counts_; }
  const std::map<std::string, uint64_t, std::less<>>& bytes() const { return bytes_; }
  // The k-th smallest key of each group that was offered any.
  std::map<std::string, sel_key> thresholds() const;
  // Partial files (io/partial_file.hpp): the counts and the kept keys;
  // read_merge() counts and offers a written survey's (the union's k smallest).
  void write(partial_writer& w) const;
  void read_merge(partial_reader& r);

 private:
  std::map<std::string, uint64_t, std::less<>> k_;
  uint64_t default_k_;
  std::map<std::string, uint64_t, std::less<>> counts_, bytes_;
  memory_budget* budget_;
  uint64_t charged_ = 0;
  std::map<std::string, std::vector<sel_key>, std::less<>> heaps_;  // max-heaps
};

}  // namespace jsift
