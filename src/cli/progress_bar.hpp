// progress_bar.hpp — a one-line progress bar on stderr (bytes, MB/s, and
// percentage and ETA when the total is known), redrawn at most 5 times a
// second, erased by finish() or the destructor. Disabled, it does nothing.
// The engine calls it through a progress_callback on the committing thread
// only: not thread-safe.
#pragma once

#include <chrono>
#include <cstdint>

#include "jsift/engine/ordered_commit.hpp"

namespace jsift::cli {

class progress_bar {
 public:
  explicit progress_bar(bool enabled);
  ~progress_bar();
  progress_bar(const progress_bar&) = delete;
  progress_bar& operator=(const progress_bar&) = delete;
  void update(uint64_t done_bytes, uint64_t total_bytes);
  void finish();
  // A callback that updates this bar (empty when disabled); the bar must
  // outlive its use.
  progress_callback callback();

 private:
  void draw(uint64_t done, uint64_t total);
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace jsift::cli
