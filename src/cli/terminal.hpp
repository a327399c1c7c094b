// terminal.hpp — what the CLI needs to know about terminals: whether a
// descriptor is one, whether to draw a progress bar, and how to put a
// message on stderr. Thread-safe (stateless).
#pragma once

#include <string_view>

namespace jsift::cli {

enum class progress_mode { auto_, always, never };

bool is_terminal(int fd);
bool progress_enabled(progress_mode m);
// Writes text to stderr in one write (warnings, summaries).
void print_err(std::string_view text);

}  // namespace jsift::cli
