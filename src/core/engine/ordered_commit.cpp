#include "jsift/engine/ordered_commit.hpp"

#include <atomic>
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

  struct slot {
    chunk c;
    std::future<result_ptr> done;
  };
  std::deque<slot> inflight;
  std::atomic<bool> cancelled{false};
  // SIGINT and SIGTERM must reach this thread: it is the one that may block
  // in a write to a stalled pipe, and a signal delivered to a worker would
  // leave that write blocked. The pool's threads inherit a mask blocking
  // them; this thread's mask is restored once they exist.
  sigset_t stop, saved;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, &saved);
  std::optional<boost::asio::thread_pool> pool_storage;
  try {
    pool_storage.emplace(threads);
  } catch (...) {
    pthread_sigmask(SIG_SETMASK, &saved, nullptr);
    throw;
  }
  pthread_sigmask(SIG_SETMASK, &saved, nullptr);
  boost::asio::thread_pool& pool = *pool_storage;

  using clock = std::chrono::steady_clock;
  auto seconds_since = [](clock::time_point t) { return std::chrono::duration<double>(clock::now() - t).count(); };
  const clock::time_point started = clock::now();
  double commit_s = 0, read_s = 0;
  uint64_t chunks = 0;
  auto commit_front = [&] {
    slot& s = inflight.front();
    result_ptr r = s.done.get();  // rethrows a worker's exception
    const clock::time_point t = clock::now();
    job.commit(s.c, *r);
    commit_s += seconds_since(t);
    ++chunks;
    inflight.pop_front();
    if (opts.progress) opts.progress(reader.consumed_bytes(), reader.total_bytes());
  };

  try {
    for (;;) {
      interrupt::check();
      while (!inflight.empty() && inflight.front().done.wait_for(std::chrono::seconds(0)) == std::future_status::ready)
        commit_front();
      if (inflight.size() >= window) {
        commit_front();
        continue;
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
      inflight.push_back({std::move(c), task->get_future()});
      boost::asio::post(pool, [task] { (*task)(); });
    }
    while (!inflight.empty()) {
      interrupt::check();
      commit_front();
    }
  } catch (...) {
    cancelled = true;
    pool.join();  // chunks still running reference the job and their buffers
    throw;
  }
  pool.join();
  if (pass_profile* p = opts.profile) {
    p->wall += seconds_since(started);
    p->commit += commit_s;
    p->read += read_s;
    p->chunks += chunks;
    p->threads = threads;
  }
}

}  // namespace jsift
