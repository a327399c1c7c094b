// docs.hpp — the man page and the shell completions (bash, zsh, fish),
// generated from the command table and its flag specs, so they always list
// exactly the commands and flags the binary takes (`jsift --generate KIND`;
// CMake installs their output).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "command.hpp"

namespace jsift::cli {

std::string man_page(const std::vector<std::unique_ptr<command>>& table, const std::vector<flag_list>& flags);
std::string bash_completion(const std::vector<std::unique_ptr<command>>& table, const std::vector<flag_list>& flags);
std::string zsh_completion(const std::vector<std::unique_ptr<command>>& table, const std::vector<flag_list>& flags);
std::string fish_completion(const std::vector<std::unique_ptr<command>>& table, const std::vector<flag_list>& flags);

// Prints the one `kind` names (man, complete-bash, complete-zsh,
// complete-fish) on stdout; returns the exit code.
int print_generated(const std::string& kind, const std::vector<std::unique_ptr<command>>& table, const std::vector<flag_list>& flags);

}  // namespace jsift::cli
