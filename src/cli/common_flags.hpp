// common_flags.hpp — the flags every record command shares (inputs, -o,
// -j, --on-invalid, --report, progress, sizes) and the typed, validated
// settings built from them once, before any data is read: bad values are
// usage errors (exit 2), a missing input is an I/O error (exit 4).
// Also the two things every record command does with them: run a pass with
// the progress bar, and end with the report and the summary.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "flag_spec.hpp"
#include "jsift/json/minhash.hpp"
#include "jsift/engine/pass.hpp"
#include "jsift/engine/record_job.hpp"
#include "jsift/io/input_list.hpp"
#include "jsift/io/json_writer.hpp"
#include "jsift/jobs/transform_job.hpp"
#include "terminal.hpp"

namespace jsift::cli {

struct common_args {
  std::vector<std::string> inputs;
  std::string output = "-";
  uint64_t threads = 0;
  std::string on_invalid = "fail";
  std::string report;
  progress_mode progress = progress_mode::auto_;
  bool no_progress = false;
  bool quiet = false;
  std::string max_line_bytes = "64MiB";
  std::string chunk_bytes = "4MiB";
  bool mmap = false, no_mmap = false;
  input_format format = input_format::auto_;
  bool profile = false;
  std::vector<std::string> globs;
  std::optional<uint64_t> tasks, task;  // --tasks N --task I: read the I-th of N parts (io/task_part.hpp)
  uint64_t task_count() const { return tasks.value_or(1); }
  uint64_t task_index() const { return task.value_or(0); }
};

enum class output_flag { none, records };
void define_common(flag_list& f, common_args& a, output_flag output);
// --tasks N --task I, for the commands whose result over the whole input is
// their tasks' results in order (records passed through or rewritten one by one).
void define_tasks(flag_list& f, common_args& a);

struct run_settings {
  std::vector<input_file> inputs;  // with --tasks: this task's part of all_inputs
  std::vector<input_file> all_inputs;
  std::vector<skipped_input> skipped;  // entries of input directories not read
  pass_options pass;  // chunking and threads (no progress: see run_with_progress)
  record_job_options records;
  progress_mode progress = progress_mode::auto_;
  bool quiet = false;
  std::string output;  // "-": stdout
  std::string report;  // "" : none
};

run_settings make_settings(const common_args& a);

// Refuses (exit 2) two outputs of this run that name the same file:
// `outputs` ((option, path) pairs, "-" for stdout) plus the quarantine file
// and --report. Character devices may be shared.
void check_outputs(const run_settings& s, std::vector<std::pair<std::string, std::string>> outputs);

// With --profile, where the committing thread's time went, summed over the
// run's passes: "jsift: profile: ..." (empty when --profile was not given or
// no pass ran). main() prints it once the command has returned.
std::string profile_line();

// One pass of `job` over `inputs`, with the progress bar when it is enabled.
void run_with_progress(const run_settings& s, const std::vector<input_file>& inputs, chunk_job& job);

// How every record command ends: --report FILE (the run report of
// report/run_report.hpp, with the command's own sections from `extra`), then
// unless -q the invalid-line warnings, the summary line and `tail` on stderr.
void finish_command(const run_settings& s, std::string_view command, const record_job& job,
                    const std::function<void(json_writer&)>& extra = {}, std::string_view tail = {});

// How set, cut, explode, window and convert run: transform_job over the
// inputs into -o, then finish_command with the transform's report section
// ("<name>": {...}) and summary lines.
void run_transform(const common_args& a, const record_transform& t);

// The MinHash flags of `dedup --near` and `diversity --near`: --threshold T
// or --bands B --rows R (datatrove's 14 x 8 by default), and --ngram N.
struct near_flags {
  std::optional<double> threshold;
  std::optional<uint64_t> bands, rows;
  uint64_t ngram = 5;
  void define(flag_list& f);
  minhash_params params() const;  // option_error on a bad combination
};

}  // namespace jsift::cli
