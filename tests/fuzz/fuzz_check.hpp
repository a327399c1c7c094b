// fuzz_check.hpp — what the fuzz targets share: a check that aborts (so
// libFuzzer records the input) whatever NDEBUG says, and a scratch directory
// per process for targets that need files.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <unistd.h>

#define FUZZ_CHECK(cond)                                                              \
  do {                                                                                \
    if (!(cond)) {                                                                    \
      std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);  \
      std::abort();                                                                   \
    }                                                                                 \
  } while (0)

namespace fuzz {

// A directory of this process's own, removed at exit.
inline const std::filesystem::path& scratch() {
  static const std::filesystem::path dir = [] {
    auto p = std::filesystem::temp_directory_path() / ("jsift-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(p);
    std::atexit([] { std::error_code ec; std::filesystem::remove_all(scratch(), ec); });
    return p;
  }();
  return dir;
}

inline std::string write_file(const std::string& name, std::string_view bytes) {
  auto p = scratch() / name;
  std::ofstream(p, std::ios::binary | std::ios::trunc).write(bytes.data(), std::streamsize(bytes.size()));
  return p.string();
}

}  // namespace fuzz
