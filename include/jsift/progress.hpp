// jsift/progress.hpp — a one-line progress bar on stderr (bytes, MB/s, and
// percentage and ETA when the total is known), redrawn at most 5 times a
// second, erased by finish(). Disabled, it does nothing. Used only from the
// thread that commits chunks.
#pragma once

#include <chrono>
#include <cstdint>

namespace jsift {

class progress_meter {
 public:
  progress_meter(bool enabled, uint64_t total_bytes);
  ~progress_meter();
  void update(uint64_t done_bytes);
  void finish();

 private:
  void draw(uint64_t done);
  bool enabled_;
  bool drawn_ = false;
  uint64_t total_;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace jsift
