// options.hpp — the typed, validated configuration built once from the
// flags: sizes parsed, paths compiled, inputs expanded. Throws usage_error
// (exit 2) for anything malformed, std::system_error (exit 4) for an input
// that does not exist.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "flags.hpp"
#include "jsift/io/chunk_reader.hpp"
#include "jsift/io/input_list.hpp"
#include "jsift/engine/record_job.hpp"

namespace jsift::cli {

enum class progress_mode { auto_, always, never };

struct run_config {
  std::vector<input_file> inputs;
  chunk_options chunks;
  record_job_options records;
  unsigned threads = 0;
  progress_mode progress = progress_mode::auto_;
  bool quiet = false;
  std::string output;
  std::string report;
};

run_config make_run_config(const common_flags& f);

}  // namespace jsift::cli
