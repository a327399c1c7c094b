// command.hpp — one subcommand: its name and summary, its flags (bound to
// members of its own), and what it runs once they are parsed. Each lives in
// commands/<name>.cpp and is one line of the table in commands/table.cpp;
// the table drives parsing, --help, the man page and the completions.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "flag_spec.hpp"

namespace jsift::cli {

struct command_info {
  std::string name;
  std::string summary;  // one line, for `jsift --help` and the man page
  std::string footer;   // notes and an example, after the flags in --help
};

// What the command line was, for commands that record it (manifests).
struct invocation {
  std::vector<std::string> argv;
};

class command {
 public:
  virtual ~command() = default;
  virtual command_info info() const = 0;
  // Declares the flags; their variables are members of the command, so the
  // command must outlive parsing.
  virtual void define(flag_list& flags) = 0;
  // Runs after a successful parse; returns the exit code (errors throw, and
  // main() maps them to exit codes).
  virtual int run(const invocation& inv) = 0;
};

// Every subcommand, in the order `jsift --help` lists them.
std::vector<std::unique_ptr<command>> command_table();

}  // namespace jsift::cli
