// jsift/io/write_behind.hpp — a thread of its own for a job's output work
// (writes, checksums), run in the order it is handed over, so the committing
// thread hands a chunk's output over and goes on deciding.
//
// Bounded: post() waits while more than `max_pending` bytes are queued, so
// memory stays O(window x chunk size); a task must own, or keep alive, what
// it reads (a chunk's buffer through its keep_alive, its output moved in).
//
// Errors: the first task that throws (ENOSPC, a closed pipe...) stops the
// queue; the next post() or drain() on the caller's thread rethrows it.
// Signals: the thread blocks SIGINT and SIGTERM, so they reach the caller,
// whose waits here check the flag (io/interrupt.hpp) and throw interrupted.
// Destroying it without drain() (an error, an interrupt) abandons what is
// queued and stops a write in progress (a wake-up signal ends a write that
// blocks on a stalled pipe), then joins: nothing runs after the destructor.
// post() and drain() are for one thread (the committing one).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

namespace jsift {

// What the jobs let queue: two default chunks (more only raised peak RSS).
constexpr size_t write_behind_bytes = size_t(8) << 20;

class write_behind {
 public:
  explicit write_behind(size_t max_pending);
  ~write_behind();
  write_behind(const write_behind&) = delete;
  write_behind& operator=(const write_behind&) = delete;

  // Queues `task`, counted as `bytes` until it has run.
  void post(size_t bytes, std::function<void()> task);
  // Returns once every queued task has run; rethrows the first error.
  void drain();

 private:
  struct item {
    size_t bytes;
    std::function<void()> task;
  };
  void loop();
  // Waits on cv_ until `done` holds, checking for interrupts meanwhile.
  template <class Pred>
  void wait(std::unique_lock<std::mutex>& lock, Pred done);
  void rethrow_error();

  const size_t max_pending_;
  std::mutex mu_;
  std::condition_variable cv_;  // both ways: work queued, work done
  std::deque<item> queue_;
  size_t pending_ = 0;   // bytes queued or running
  bool busy_ = false;    // a task is running
  bool closing_ = false;
  std::exception_ptr error_;
  std::atomic<bool> abandon_{false};
  std::thread thread_;
};

}  // namespace jsift
