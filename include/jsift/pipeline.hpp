// jsift/pipeline.hpp — the parallel engine: chunks from a chunk_reader are
// processed by a Boost.Asio thread_pool and committed strictly in input
// order on the calling thread.
//
// At most `window` chunks are in flight (back-pressure: the reader waits for
// the oldest chunk's commit), so memory is O(window x chunk size) and the
// committed sequence never depends on the thread count. process() runs
// concurrently on pool threads and must only touch the chunk and its own
// result; commit() runs on the caller's thread, one chunk at a time, in
// sequence order. An exception from either stops the pipeline: running
// chunks finish, queued ones are skipped, and the exception propagates.
// SIGINT/SIGTERM (interrupt.hpp) are checked between chunks.
#pragma once

#include <cstddef>
#include <memory>

#include "jsift/chunk_reader.hpp"

namespace jsift {

class progress_meter;

class chunk_job {
 public:
  struct result {
    virtual ~result() = default;
  };
  virtual ~chunk_job() = default;
  virtual std::unique_ptr<result> process(const chunk& c) = 0;
  virtual void commit(const chunk& c, result& r) = 0;
};

struct pipeline_options {
  unsigned threads = 0;  // 0: every core
  size_t window = 0;     // chunks in flight; 0: 2 x threads + 2
  progress_meter* progress = nullptr;
};

unsigned default_threads();

void run_pipeline(chunk_reader& reader, chunk_job& job, const pipeline_options& opts);

}  // namespace jsift
