// terminal.hpp — what the CLI needs to know about terminals: whether a
// descriptor is one, and whether to draw a progress bar.
#pragma once

#include <string_view>

#include "options.hpp"

namespace jsift::cli {

bool is_terminal(int fd);
bool progress_enabled(progress_mode m);
// Writes text to stderr in one write (warnings, summaries).
void print_err(std::string_view text);

}  // namespace jsift::cli
