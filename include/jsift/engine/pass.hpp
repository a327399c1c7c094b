// jsift/engine/pass.hpp — one pass of a job over a list of inputs: the
// chunk reader, the worker pool and the ordered commit, wired with the
// run's settings. Every command and every survey pass reads through here.
//
// Thread-safety: run_pass blocks the calling thread, which commits; the job
// and `inputs` must outlive the call.
#pragma once

#include <vector>

#include "jsift/engine/ordered_commit.hpp"
#include "jsift/io/chunk_reader.hpp"
#include "jsift/io/input_list.hpp"

namespace jsift {

struct pass_options {
  chunk_options chunks;
  unsigned threads = 0;        // 0: every core
  progress_callback progress;  // may be empty
  pass_profile* profile = nullptr;  // --profile: summed over the passes
};

void run_pass(const std::vector<input_file>& inputs, const pass_options& o, chunk_job& job);

}  // namespace jsift
