#include "jsift/io/write_behind.hpp"

#include <chrono>
#include <pthread.h>
#include <signal.h>

#include "jsift/io/interrupt.hpp"

namespace jsift {

write_behind::write_behind(size_t max_pending) : max_pending_(max_pending ? max_pending : 1) {
  // The thread is born with SIGINT and SIGTERM blocked: they must reach the
  // committing thread, which checks for them; only the wake-up reaches it.
  sigset_t stop, saved;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, &saved);
  try {
    thread_ = std::thread([this] { loop(); });
  } catch (...) {
    pthread_sigmask(SIG_SETMASK, &saved, nullptr);
    throw;
  }
  pthread_sigmask(SIG_SETMASK, &saved, nullptr);
}

write_behind::~write_behind() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    closing_ = true;
    if (!queue_.empty() || busy_) abandon_ = true;  // not drained: an error or an interrupt
    queue_.clear();
  }
  cv_.notify_all();
  // A task may be blocked in a write: wake it until the thread is done.
  for (;;) {
    std::unique_lock<std::mutex> lock(mu_);
    if (cv_.wait_for(lock, std::chrono::milliseconds(20), [&] { return !busy_; })) break;
    lock.unlock();
    interrupt::wake(thread_.native_handle());
  }
  thread_.join();
}

void write_behind::loop() {
  interrupt::stop_this_thread_on(&abandon_);
  for (;;) {
    item it;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return closing_ || !queue_.empty(); });
      if (queue_.empty()) return;  // closing
      it = std::move(queue_.front());
      queue_.pop_front();
      busy_ = true;
    }
    std::exception_ptr err;
    try {
      it.task();
    } catch (...) {
      err = std::current_exception();
    }
    it.task = nullptr;  // what the task kept alive goes now, on this thread
    {
      std::lock_guard<std::mutex> lock(mu_);
      busy_ = false;
      pending_ -= it.bytes;
      if (err && !error_) {
        error_ = err;
        queue_.clear();  // nothing after a failed write is written
        pending_ = 0;
      }
    }
    cv_.notify_all();
  }
}

template <class Pred>
void write_behind::wait(std::unique_lock<std::mutex>& lock, Pred done) {
  while (!cv_.wait_for(lock, std::chrono::milliseconds(50), done)) {
    lock.unlock();
    interrupt::check();  // SIGINT/SIGTERM land on this thread: see the header
    lock.lock();
  }
}

void write_behind::rethrow_error() {
  if (error_) std::rethrow_exception(error_);
}

void write_behind::post(size_t bytes, std::function<void()> task) {
  std::unique_lock<std::mutex> lock(mu_);
  rethrow_error();
  // One item may exceed the bound alone: it waits for an empty queue.
  wait(lock, [&] { return error_ || pending_ == 0 || pending_ + bytes <= max_pending_; });
  rethrow_error();
  pending_ += bytes;
  queue_.push_back({bytes, std::move(task)});
  lock.unlock();
  cv_.notify_all();
}

void write_behind::drain() {
  std::unique_lock<std::mutex> lock(mu_);
  wait(lock, [&] { return error_ || (queue_.empty() && !busy_); });
  rethrow_error();
}

}  // namespace jsift
