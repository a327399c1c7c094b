#include "jsift/engine/ordered_commit.hpp"

#include <atomic>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <chrono>
#include <deque>
#include <future>
#include <optional>
#include <pthread.h>
#include <signal.h>
#include <thread>

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include "jsift/io/interrupt.hpp"

namespace jsift {

unsigned default_threads() {
  unsigned n = std::thread::hardware_concurrency();
  return n ? n : 1;
}

void run_ordered(chunk_reader& reader, chunk_job& job, const ordered_options& opts) {
  const unsigned threads = opts.threads ? opts.threads : default_threads();
  const size_t window = opts.window ? opts.window : 2 * size_t(threads) + 2;
  using result_ptr = std::unique_ptr<chunk_job::result>;
  using clock = std::chrono::steady_clock;
  auto seconds_since = [](clock::time_point t) { return std::chrono::duration<double>(clock::now() - t).count(); };

  struct slot {
    chunk c;
    std::future<result_ptr> done;
    uint64_t consumed;  // the reader's input bytes consumed after this chunk (progress)
  };
  // Shared by the reading thread (pushes) and this one (pops); elements of a
  // deque stay where they are while others are pushed or popped.
  std::mutex mu;
  std::condition_variable cv;
  std::deque<slot> inflight;
  bool read_done = false;
  std::exception_ptr read_error;
  std::atomic<bool> cancelled{false};
  double read_s = 0;  // the reading thread's; read after it is joined

  // SIGINT and SIGTERM must reach this thread, which checks for them between
  // waits: the pool's threads and the reading thread are born with them
  // blocked (this thread's mask is restored once they exist). A reading
  // thread blocked on a pipe is woken (interrupt::wake) when the run stops.
  sigset_t stop, saved;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, &saved);
  std::optional<boost::asio::thread_pool> pool_storage;
  std::thread reading;
  try {
    pool_storage.emplace(threads);
    boost::asio::thread_pool& pool = *pool_storage;
    // Reading (and decompressing) on a thread of its own, up to `window`
    // chunks ahead: the committing thread only commits.
    reading = std::thread([&] {
      interrupt::stop_this_thread_on(&cancelled);
      try {
        for (;;) {
          {
            std::unique_lock<std::mutex> lock(mu);
            cv.wait(lock, [&] { return cancelled || inflight.size() < window; });
            if (cancelled) break;
          }
          chunk c;
          const clock::time_point t = clock::now();
          const bool more = reader.next(c);
          read_s += seconds_since(t);
          if (!more) break;
          auto task = std::make_shared<std::packaged_task<result_ptr()>>([&job, &cancelled, c]() -> result_ptr {
            if (cancelled.load(std::memory_order_relaxed)) return nullptr;
            return job.process(c);
          });
          // Posted before it is listed: a slot whose task never runs would
          // leave the commit waiting on it (a failure either way ends the run).
          std::future<result_ptr> done = task->get_future();
          const uint64_t consumed = reader.consumed_bytes();
          boost::asio::post(pool, [task] { (*task)(); });
          {
            std::lock_guard<std::mutex> lock(mu);
            inflight.push_back({std::move(c), std::move(done), consumed});
          }
          cv.notify_all();
        }
      } catch (...) {
        std::lock_guard<std::mutex> lock(mu);
        read_error = std::current_exception();
      }
      {
        std::lock_guard<std::mutex> lock(mu);
        read_done = true;
      }
      cv.notify_all();
    });
  } catch (...) {
    pthread_sigmask(SIG_SETMASK, &saved, nullptr);
    throw;
  }
  pthread_sigmask(SIG_SETMASK, &saved, nullptr);

  const clock::time_point started = clock::now();
  double commit_s = 0;
  uint64_t chunks = 0;
  constexpr auto tick = std::chrono::milliseconds(50);  // how often waits look for SIGINT/SIGTERM
  try {
    for (;;) {
      interrupt::check();
      slot* front = nullptr;
      {
        std::unique_lock<std::mutex> lock(mu);
        if (!cv.wait_for(lock, tick, [&] { return !inflight.empty() || read_done; })) continue;
        if (inflight.empty()) {
          if (read_error) std::rethrow_exception(read_error);  // after every chunk read before it
          break;
        }
        front = &inflight.front();
      }
      while (front->done.wait_for(tick) != std::future_status::ready) interrupt::check();
      result_ptr r = front->done.get();  // rethrows a worker's exception
      const clock::time_point t = clock::now();
      job.commit(front->c, *r);
      commit_s += seconds_since(t);
      ++chunks;
      const uint64_t consumed = front->consumed;
      {
        std::lock_guard<std::mutex> lock(mu);
        inflight.pop_front();
      }
      cv.notify_all();
      if (opts.progress) opts.progress(consumed, reader.total_bytes());
    }
  } catch (...) {
    {
      // Under the lock: the reading thread tests the flag under it before it
      // sleeps, so the notification cannot fall between the two.
      std::lock_guard<std::mutex> lock(mu);
      cancelled = true;
    }
    cv.notify_all();
    // The reading thread may be blocked on a pipe: wake it until it is done.
    for (;;) {
      std::unique_lock<std::mutex> lock(mu);
      if (cv.wait_for(lock, std::chrono::milliseconds(20), [&] { return read_done; })) break;
      lock.unlock();
      interrupt::wake(reading.native_handle());
    }
    reading.join();
    pool_storage->join();  // chunks still running reference the job and their buffers
    throw;
  }
  reading.join();
  pool_storage->join();
  if (pass_profile* p = opts.profile) {
    p->wall += seconds_since(started);
    p->commit += commit_s;
    p->read += read_s;
    p->chunks += chunks;
    p->threads = threads;
  }
}

}  // namespace jsift
