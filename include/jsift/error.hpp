// jsift/error.hpp — the error types and exit codes of the contract.
//
// Setup and I/O failures throw; per-record problems are values (see
// record_parser.hpp). main() catches these once and maps them to exit codes:
// usage_error -> 2, data_error -> 3, std::system_error -> 4,
// interrupted -> 130, broken_pipe -> 0 (a closed stdout is a normal end).
#pragma once

#include <stdexcept>
#include <string>

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

// Bad input data under --on-invalid fail, or input that cannot be decoded
// (a truncated zstd frame). The message already names the place.
struct data_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// An invalid line under --on-invalid fail (the other policies go on).
struct invalid_line_error : data_error {
  using data_error::data_error;
};

// SIGINT or SIGTERM was received; thrown at the next safe point.
struct interrupted : std::runtime_error {
  interrupted() : std::runtime_error("interrupted") {}
};

// The reader of our stdout went away (EPIPE): stop quietly with exit 0.
struct broken_pipe : std::runtime_error {
  broken_pipe() : std::runtime_error("broken pipe") {}
};

}  // namespace jsift
