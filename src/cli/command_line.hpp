// command_line.hpp — parses argv against the command table: picks the
// subcommand and stores every flag's value through its flag spec. The only
// code that knows CLI11 (it compiles slowly: keep it in one translation unit).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "command.hpp"

namespace jsift::cli {

struct parsed_command {
  command* cmd = nullptr;   // the subcommand to run
  int exit_now = -1;        // >= 0: help, version or a generated file was printed, or a usage error
  std::string generate;     // --generate KIND ("" when not asked)
};

// `table` and the flag lists it filled must outlive the call and the run.
parsed_command parse_command_line(int argc, char** argv, std::vector<std::unique_ptr<command>>& table,
                                  std::vector<flag_list>& flags);

}  // namespace jsift::cli
