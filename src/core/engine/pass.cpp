#include "jsift/engine/pass.hpp"

namespace jsift {

void run_pass(const std::vector<input_file>& inputs, const pass_options& o, chunk_job& job) {
  chunk_reader reader(inputs, o.chunks);
  run_ordered(reader, job, {o.threads, 0, o.progress, o.profile});
}

}  // namespace jsift
