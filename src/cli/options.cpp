#include "options.hpp"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "jsift/error.hpp"
#include "jsift/io/byte_size.hpp"

namespace jsift::cli {

run_config make_run_config(const common_flags& f) {
  run_config c;
  c.records.invalid = invalid_policy::parse(f.on_invalid);
  c.records.max_line_bytes = size_t(parse_size(f.max_line_bytes, "--max-line-bytes"));
  if (c.records.max_line_bytes == 0) throw usage_error("--max-line-bytes must be at least 1");
  if (c.records.max_line_bytes > (uint64_t(4) << 30))
    throw usage_error("--max-line-bytes: at most 4GiB (simdjson's document limit)");
  c.chunks.max_line_bytes = c.records.max_line_bytes;
  c.chunks.chunk_bytes = size_t(parse_size(f.chunk_bytes, "--chunk-bytes"));
  if (c.chunks.chunk_bytes < 64 || c.chunks.chunk_bytes > (uint64_t(1) << 30))
    throw usage_error("--chunk-bytes: expected between 64 and 1GiB");
  c.chunks.use_mmap = !f.no_mmap;
  c.threads = f.threads;
  if (c.threads > 1024) throw usage_error("--threads: at most 1024");
  c.progress = f.no_progress || f.progress == "never" ? progress_mode::never
               : f.progress == "always"                ? progress_mode::always
                                                       : progress_mode::auto_;
  c.quiet = f.quiet;
  c.output = f.output;
  c.report = f.report;
  c.inputs = expand_inputs(f.inputs);
  return c;
}

}  // namespace jsift::cli
