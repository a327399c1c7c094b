#include "common_flags.hpp"

#include <fmt/format.h>

#include "jsift/error.hpp"
#include "jsift/io/output_file.hpp"
#include "jsift/io/task_part.hpp"
#include "jsift/io/units.hpp"
#include "jsift/report/run_report.hpp"
#include "progress_bar.hpp"

namespace jsift::cli {
namespace {
// One per process: a run's passes (surveys, references, the main pass) add
// to it; only with --profile, so it stays empty otherwise.
pass_profile the_profile;
}  // namespace

std::string profile_line() {
  const pass_profile& p = the_profile;
  if (p.threads == 0) return {};  // no pass ran with --profile
  return fmt::format(
      "jsift: profile: {:.3f} s wall, {} threads, {} chunks; committing thread busy {:.3f} s ({:.1f} % of wall), "
      "reading thread busy {:.3f} s ({:.1f} % of wall); more cores cannot make it faster than {:.1f}x\n",
      p.wall, p.threads, p.chunks, p.commit, 100 * p.commit_share(), p.read, 100 * p.read_share(),
      p.busy_share() > 0 ? 1 / p.busy_share() : 0.0);
}

void define_common(flag_list& f, common_args& a, output_flag output) {
  f.inputs(a.inputs, "Files (.jsonl, .jsonl.zst, .jsonl.gz: detected by content), directories (their *.jsonl* files, "
                     "recursively, sorted) or - for stdin (the default)");
  if (output == output_flag::records)
    f.text("-o,--output", "FILE", a.output, "Write records here (atomically: a temporary name renamed when complete); - is stdout")
        .files()
        .shows_default("-");
  f.count("-j,--threads", "N", a.threads, "Worker threads (default: every core)");
  f.text("--on-invalid", "POLICY", a.on_invalid, "fail (exit 3 at the first invalid line), skip (count it) or quarantine:FILE (write bad lines there)")
      .shows_default("fail");
  f.text("--report", "FILE", a.report, "Also write a JSON report (dispositions, counts) to FILE").files();
  f.choice("--progress", a.progress, {{"auto", progress_mode::auto_}, {"always", progress_mode::always}, {"never", progress_mode::never}},
           "Progress bar on stderr: auto (when stderr is a terminal), always, never")
      .shows_default("auto");
  f.toggle("--no-progress", a.no_progress, "Same as --progress never");
  f.toggle("-q,--quiet", a.quiet, "No summary or warnings on stderr");
  f.text("--max-line-bytes", "SIZE", a.max_line_bytes, "Longer lines are invalid (line_too_long), never buffered whole")
      .shows_default("64MiB");
  f.text("--chunk-bytes", "SIZE", a.chunk_bytes, "Work unit size; memory is about 2 x threads x this").shows_default("4MiB");
  f.toggle("--mmap", a.mmap, "Map regular files instead of reading them with read(2) (slower where measured: README)");
  f.toggle("--no-mmap", a.no_mmap, "Read files with read(2): the default (overrides --mmap)");
  f.choice("--input-format", a.format,
           {{"auto", input_format::auto_}, {"jsonl", input_format::jsonl}, {"json", input_format::json}},
           "auto (JSONL, or the elements of a file that starts with '['), jsonl, or json (each file one JSON value, or an array of them)")
      .shows_default("auto");
  f.toggle("--profile", a.profile,
           "On stderr at the end: wall time and the busy shares of the committing and the reading thread, the larger of "
           "which bounds the speed-up from more cores");
  f.texts("--glob", "PATTERN", a.globs,
          "Read the files of input directories whose name matches PATTERN (repeatable), instead of *.jsonl* and *.ndjson*");
}

void define_tasks(flag_list& f, common_args& a) {
  f.count("--tasks", "N",  a.tasks,
          "Divide the input into N parts by bytes on disk (whole lines; compressed files whole) and read one (with --task): "
          "the outputs of tasks 0..N-1, concatenated, are the output of one run; messages name places as FILE@BYTE");
  f.count("--task", "I", a.task, "Which part --tasks reads, 0 to N-1");
}

run_settings make_settings(const common_args& a) {
  run_settings s;
  s.records.invalid = invalid_policy::parse(a.on_invalid);
  s.records.max_line_bytes = size_t(parse_size(a.max_line_bytes, "max_line_bytes"));
  if (s.records.max_line_bytes == 0) throw option_error("max_line_bytes", "must be at least 1");
  if (s.records.max_line_bytes > (uint64_t(4) << 30)) throw option_error("max_line_bytes", "at most 4GiB (simdjson's document limit)");
  s.pass.chunks.max_line_bytes = s.records.max_line_bytes;
  s.pass.chunks.chunk_bytes = size_t(parse_size(a.chunk_bytes, "chunk_bytes"));
  if (s.pass.chunks.chunk_bytes < 64 || s.pass.chunks.chunk_bytes > (uint64_t(1) << 30))
    throw option_error("chunk_bytes", "expected between 64 and 1GiB");
  s.pass.chunks.use_mmap = a.mmap && !a.no_mmap;
  s.pass.chunks.format = a.format;
  if (a.profile) s.pass.profile = &the_profile;
  if (a.threads > 1024) throw option_error("threads", "at most 1024");
  s.pass.threads = unsigned(a.threads);
  // -q is quiet on stderr: no bar either, unless --progress always asks for it.
  s.progress = a.no_progress || (a.quiet && a.progress == progress_mode::auto_) ? progress_mode::never : a.progress;
  s.quiet = a.quiet;
  s.output = a.output;
  s.report = a.report;
  s.inputs = s.all_inputs = expand_inputs(a.inputs, &s.skipped, a.globs);
  for (size_t i = 0; i < s.inputs.size(); ++i) s.inputs[i].whole_index = s.all_inputs[i].whole_index = uint32_t(i);
  if (a.tasks.has_value() != a.task.has_value()) throw usage_error("--tasks and --task go together");
  if (a.tasks) {
    if (*a.tasks == 0) throw option_error("tasks", "must be at least 1");
    if (*a.task >= *a.tasks) throw option_error("task", fmt::format("must be below --tasks ({}), got {}", *a.tasks, *a.task));
    s.inputs = task_part(s.inputs, *a.tasks, *a.task, a.format);
  }
  return s;
}

void check_outputs(const run_settings& s, std::vector<std::pair<std::string, std::string>> outputs) {
  if (s.records.invalid.action == on_invalid::quarantine) {
    outputs.emplace_back("--on-invalid quarantine:", s.records.invalid.quarantine_path);
    outputs.emplace_back("the quarantine's sidecar", s.records.invalid.reasons_path());
  }
  outputs.emplace_back("--report", s.report);
  check_distinct_outputs(outputs);
}

void run_with_progress(const run_settings& s, const std::vector<input_file>& inputs, chunk_job& job) {
  progress_bar bar(progress_enabled(s.progress));
  pass_options po = s.pass;
  po.progress = bar.callback();
  run_pass(inputs, po, job);
  bar.finish();
}

void finish_command(const run_settings& s, std::string_view command, const record_job& job,
                    const std::function<void(json_writer&)>& extra, std::string_view tail) {
  if (!s.report.empty())
    write_file_atomic(s.report, run_report_json(command, job, [&](json_writer& w) {
                        write_skipped_inputs_json(w, s.skipped);
                        if (extra) extra(w);
                      }));
  if (!s.quiet) print_err(skipped_warnings(s.skipped) + invalid_warnings(job) + summary_line(command, job) + std::string(tail));
}

void run_transform(const common_args& a, const record_transform& t) {
  run_settings s = make_settings(a);
  check_outputs(s, {{"-o", s.output}});
  output_file out(s.output);
  transform_job job(s.inputs, s.records, t, out);
  run_with_progress(s, s.inputs, job);
  job.finish();
  const std::string name = t.name();
  finish_command(
      s, name, job,
      [&](json_writer& w) {
        w.key(name).begin_object();
        t.write_report(w, job.tally());
        w.end_object();
      },
      t.summary(job.tally()) + t.warnings());
}

void near_flags::define(flag_list& f) {
  f.number("--threshold", "J", threshold,
           "Near-duplicate similarity (Jaccard of word 5-gram sets) to aim at: picks the bands and rows that best separate it");
  f.count("--bands", "B", bands, "MinHash LSH bands (with --rows; default 14 x 8, datatrove's: threshold ~0.72)");
  f.count("--rows", "R", rows, "MinHash rows per band (with --bands)");
  f.count("--ngram", "N", ngram, "Words per shingle").shows_default("5");
}

minhash_params near_flags::params() const { return minhash_params::from(threshold, bands, rows, ngram); }

}  // namespace jsift::cli
