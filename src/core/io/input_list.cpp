#include "jsift/io/input_list.hpp"

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <cstdlib>
#include <fcntl.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

#include <fmt/format.h>

#include "jsift/error.hpp"
#include "jsift/io/interrupt.hpp"
#include "jsift/io/sys.hpp"

namespace jsift {
namespace fs = std::filesystem;

namespace {
// `*.jsonl*`, but not hidden files: an interrupted run's temporaries
// (.out.jsonl.jsift-tmp-PID-N) must not be read as data.
bool looks_like_jsonl(const fs::path& p) {
  std::string name = p.filename().string();
  return !name.empty() && name[0] != '.' && name.find(".jsonl") != std::string::npos;
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

input_spool::input_spool(std::vector<input_file>& files) {
  for (auto& f : files) {
    struct stat sb;
    bool rereadable = f.path != "-" && ::stat(f.path.c_str(), &sb) == 0 && S_ISREG(sb.st_mode);
    if (rereadable) continue;
    const char* dir = std::getenv("TMPDIR");
    std::string tmpl = std::string(dir && *dir ? dir : "/tmp") + "/jsift-spool-XXXXXX";
    int out = ::mkstemp(tmpl.data());
    if (out < 0) throw std::system_error(errno, std::generic_category(), fmt::format("cannot create a spool file in '{}'", tmpl));
    temps_.push_back(tmpl);
    int in = f.path == "-" ? 0 : ::open(f.path.c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0) {
      ::close(out);
      throw std::system_error(errno, std::generic_category(), fmt::format("cannot open '{}'", f.path));
    }
    std::vector<char> buf(size_t(1) << 20);
    try {
      for (;;) {
        ssize_t r = ::read(in, buf.data(), buf.size());
        if (r < 0 && errno == EINTR) {
          interrupt::check();
          continue;
        }
        if (r < 0) throw std::system_error(errno, std::generic_category(), fmt::format("cannot read '{}'", f.name()));
        if (r == 0) break;
        sys::write_all(out, buf.data(), size_t(r), fmt::format("the spool file '{}'", tmpl));
      }
    } catch (...) {
      ::close(out);
      if (in > 0) ::close(in);
      throw;
    }
    ::close(out);
    if (in > 0) ::close(in);
    f.label = f.name();
    f.path = tmpl;
  }
}

input_spool::~input_spool() {
  for (auto& t : temps_) ::unlink(t.c_str());
}

}  // namespace jsift
