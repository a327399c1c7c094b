// jsift/error.hpp — the error types and exit codes of the contract.
//
// Setup and I/O failures throw; per-record problems are values (see
// record_parser.hpp). main() catches these once and maps them to exit codes:
// usage_error -> 2, data_error -> 3, std::system_error -> 4,
// interrupted -> 130, broken_pipe -> 0 (a closed stdout is a normal end).
// The base every layer may include: plain exception types, no state.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace jsift {

enum class exit_code : int {
  ok = 0,
  gate_failed = 1,
  usage = 2,
  data = 3,
  io = 4,
  interrupted = 130,
};

// Bad flags, bad paths or ranges, unusable configuration.
struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A bad value for one option of a stage or job, thrown by the one place that
// validates it, whichever front end gave the value. `field` is the option's
// config-file key ("max_line_bytes", "turns"), or "" when the problem is a
// combination of options. Other options named in `problem` are written in
// backquotes (`total`) and rendered for the reader: what() reads as flags,
// "--total: goes with --target or --equal", and config loaders render
// them as keys and name FILE:LINE:COLUMN instead.
struct option_error : usage_error {
  option_error(std::string field_name, std::string what_is_wrong);
  std::string field;    // "max_line_bytes"
  std::string problem;  // "expected a size such as 64MiB, got 'x'"
  // "--max-line-bytes" for "max_line_bytes" (also accepts "--max-line-bytes").
  static std::string flag_name(std::string_view field);
  // `problem` with each `name` written as a flag (--name) or as a config key (name).
  static std::string as_flags(std::string_view problem);
  static std::string as_keys(std::string_view problem);
};

// Bad input data under --on-invalid fail, or input that cannot be decoded
// (a truncated zstd frame). The message already names the place.
struct data_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// An invalid line under --on-invalid fail (the other policies go on).
struct invalid_line_error : data_error {
  using data_error::data_error;
};

// Runs f; a usage_error it throws (a bad path, say) becomes an option_error
// naming `field`, so the message says which option held it.
template <class F>
auto for_option(std::string_view field, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const option_error&) {
    throw;
  } catch (const usage_error& e) {
    throw option_error(std::string(field), e.what());
  }
}

// SIGINT or SIGTERM was received; thrown at the next safe point.
struct interrupted : std::runtime_error {
  interrupted() : std::runtime_error("interrupted") {}
};

// A task of `jsift cluster` failed: the run ends with the task's exit code
// (4 when a signal ended it); the message names the task and its log.
struct task_failed : std::runtime_error {
  task_failed(int exit, const std::string& what) : std::runtime_error(what), code(exit) {}
  int code;
};

// The reader of our stdout went away (EPIPE): stop quietly with exit 0.
struct broken_pipe : std::runtime_error {
  broken_pipe() : std::runtime_error("broken pipe") {}
};

}  // namespace jsift
