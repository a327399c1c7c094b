// jsift/engine/ordered_commit.hpp — the parallel engine: a reading thread
// takes chunks from a chunk_reader (reading, decompressing), a Boost.Asio
// thread_pool processes them, and the calling thread commits them strictly
// in input order.
//
// At most `window` chunks are in flight (back-pressure: the reader waits for
// the oldest chunk's commit), so memory is O(window x chunk size) and the
// committed sequence never depends on the thread count. process() runs
// concurrently on pool threads and must only touch the chunk and its own
// result; commit() runs on the caller's thread, one chunk at a time, in
// sequence order. An exception from either stops the run: running chunks
// finish, queued ones are skipped, and the exception propagates.
// SIGINT/SIGTERM (io/interrupt.hpp) are checked between chunks.
//
// Lifetimes: the reader and the job must outlive run_ordered(); every pool
// thread has been joined when it returns or throws.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

#include "jsift/io/chunk_reader.hpp"

namespace jsift {

class chunk_job {
 public:
  struct result {
    virtual ~result() = default;
  };
  virtual ~chunk_job() = default;
  virtual std::unique_ptr<result> process(const chunk& c) = 0;
  virtual void commit(const chunk& c, result& r) = 0;
};

// Called on the committing thread after each commit with the input bytes
// consumed so far and the total (0 when unknown: pipes, compressed input).
using progress_callback = std::function<void(uint64_t consumed, uint64_t total)>;

// Where the serial threads' time goes (--profile): the committing thread's
// and the reading thread's busy shares of the wall time; the larger bounds
// the speed-up from more cores (Amdahl). Sums over every pass a run makes.
struct pass_profile {
  double wall = 0;     // seconds from the first read to the last commit
  double commit = 0;   // in the job's commit(): in-order decisions (and writes not handed to a writer thread)
  double read = 0;     // in the chunk reader, on the reading thread: reading, mapping, decompressing
  uint64_t chunks = 0;
  unsigned threads = 0;
  double commit_share() const { return wall > 0 ? commit / wall : 0; }
  double read_share() const { return wall > 0 ? read / wall : 0; }
  double busy_share() const { return std::max(commit_share(), read_share()); }
};

struct ordered_options {
  unsigned threads = 0;  // 0: every core
  size_t window = 0;     // chunks in flight; 0: 2 x threads + 2
  progress_callback progress;
  pass_profile* profile = nullptr;  // added to when given
};

unsigned default_threads();

void run_ordered(chunk_reader& reader, chunk_job& job, const ordered_options& opts);

}  // namespace jsift
