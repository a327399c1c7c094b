#include "jsift/input_list.hpp"

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <system_error>

#include <fmt/format.h>

#include "jsift/error.hpp"

namespace jsift {
namespace fs = std::filesystem;

namespace {
bool looks_like_jsonl(const fs::path& p) {
  return p.filename().string().find(".jsonl") != std::string::npos;
}
}  // namespace

std::vector<input_file> expand_inputs(const std::vector<std::string>& args) {
  std::vector<input_file> out;
  if (args.empty()) {
    out.push_back({"-"});
    return out;
  }
  for (const auto& arg : args) {
    if (arg == "-") {
      out.push_back({"-"});
      continue;
    }
    std::error_code ec;
    auto st = fs::status(arg, ec);
    if (ec || !fs::exists(st)) {
      int err = ec ? ec.value() : ENOENT;
      throw std::system_error(err, std::generic_category(), fmt::format("cannot open '{}'", arg));
    }
    if (!fs::is_directory(st)) {
      out.push_back({arg});
      continue;
    }
    std::vector<std::string> found;
    auto it = fs::recursive_directory_iterator(arg, fs::directory_options::follow_directory_symlink, ec);
    if (ec) throw std::system_error(ec, fmt::format("cannot read directory '{}'", arg));
    for (auto end = fs::recursive_directory_iterator(); it != end; it.increment(ec)) {
      if (ec) throw std::system_error(ec, fmt::format("cannot read directory '{}'", arg));
      if (it->is_regular_file(ec) && looks_like_jsonl(it->path())) found.push_back(it->path().string());
    }
    if (found.empty()) throw usage_error(fmt::format("no *.jsonl* files in directory '{}'", arg));
    std::sort(found.begin(), found.end());
    for (auto& f : found) out.push_back({std::move(f)});
  }
  return out;
}

}  // namespace jsift
