// jsift/input_list.hpp — turns the INPUT arguments into one ordered list of
// files: a file as given, a directory as its `*.jsonl*` files found
// recursively and sorted by path, `-` (or no argument) as stdin.
//
// Errors: a path that does not exist or cannot be read throws
// std::system_error ("cannot open 'x': No such file or directory"); a
// directory with no JSONL files throws usage_error. Pure function, no state.
#pragma once

#include <string>
#include <vector>

namespace jsift {

struct input_file {
  std::string path;  // "-" means stdin
  std::string name() const { return path == "-" ? std::string("<stdin>") : path; }
};

std::vector<input_file> expand_inputs(const std::vector<std::string>& args);

}  // namespace jsift
