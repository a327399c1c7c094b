#include "jsift/io/input_list.hpp"

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <map>
#include <set>
#include <cstdlib>
#include <fcntl.h>
#include <fnmatch.h>
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
// Whether a directory entry is data: `*.jsonl*` and `*.ndjson*` by default,
// or the caller's patterns; never a hidden file (an interrupted run's
// temporaries, .out.jsonl.jsift-tmp-PID-N, must not be read as data).
// Otherwise, why not ("" when it is data).
std::string why_not_data(const std::string& name, const std::vector<std::string>& globs) {
  if (name.empty() || name[0] == '.') return "a hidden file";
  if (globs.empty()) {
    if (name.find(".jsonl") != std::string::npos || name.find(".ndjson") != std::string::npos) return "";
    return "not a *.jsonl* or *.ndjson* file (--glob selects others)";
  }
  for (const auto& g : globs)
    if (::fnmatch(g.c_str(), name.c_str(), 0) == 0) return "";
  return "matches no --glob";
}
}  // namespace

namespace {

std::string kind_of(mode_t m) {
  if (S_ISFIFO(m)) return "a FIFO";
  if (S_ISSOCK(m)) return "a socket";
  if (S_ISCHR(m)) return "a character device";
  if (S_ISBLK(m)) return "a block device";
  return "not a file";
}

// Walks one directory argument: every data file below it, through links,
// each directory once.
class directory_walk {
 public:
  directory_walk(std::vector<std::string>& found, std::vector<skipped_input>& skipped, const std::vector<std::string>& globs)
      : found_(found), skipped_(skipped), globs_(globs) {}

  void walk(const std::string& dir, const std::string& arg) {
    struct stat st;
    if (::stat(dir.c_str(), &st) != 0) throw std::system_error(errno, std::generic_category(), fmt::format("cannot read directory '{}'", dir));
    if (!dirs_.insert({st.st_dev, st.st_ino}).second) return;  // visited already: a link loop, or two links to one place
    std::error_code ec;
    fs::directory_iterator it(dir, ec);
    if (ec) throw std::system_error(ec, fmt::format("cannot read directory '{}'", arg));
    std::vector<std::string> subdirs;
    for (auto end = fs::directory_iterator(); it != end; it.increment(ec)) {
      if (ec) throw std::system_error(ec, fmt::format("cannot read directory '{}'", arg));
      const std::string path = it->path().string();
      const std::string why = why_not_data(it->path().filename().string(), globs_);
      if (::stat(path.c_str(), &st) != 0) {
        skipped_.push_back({path, why.empty() ? "a broken link" : why});
        continue;
      }
      if (S_ISDIR(st.st_mode)) {
        subdirs.push_back(path);
      } else if (!why.empty()) {
        skipped_.push_back({path, why});
      } else if (!S_ISREG(st.st_mode)) {
        skipped_.push_back({path, "not a regular file (" + kind_of(st.st_mode) + ")"});
      } else {
        found_.push_back(path);
      }
    }
    std::sort(subdirs.begin(), subdirs.end());
    for (const auto& d : subdirs) walk(d, arg);
  }

 private:
  std::vector<std::string>& found_;
  std::vector<skipped_input>& skipped_;
  const std::vector<std::string>& globs_;
  std::set<std::pair<dev_t, ino_t>> dirs_;
};

// The files of `found` sorted by path, each file (device and inode) once; a
// second path to a file read already is listed as skipped.
std::vector<std::string> sorted_once(std::vector<std::string> found, std::vector<skipped_input>& skipped) {
  std::sort(found.begin(), found.end());
  std::map<std::pair<dev_t, ino_t>, std::string> files;
  std::vector<std::string> out;
  for (auto& f : found) {
    struct stat st;
    if (::stat(f.c_str(), &st) == 0) {
      auto [it, fresh] = files.emplace(std::make_pair(st.st_dev, st.st_ino), f);
      if (!fresh) {
        skipped.push_back({f, fmt::format("the same file as '{}' (read once)", it->second)});
        continue;
      }
    }
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace

uint64_t input_size(const std::vector<input_file>& files) {
  uint64_t total = 0;
  for (const input_file& f : files) {
    struct stat st;
    if (f.path != "-" && ::stat(f.path.c_str(), &st) == 0 && S_ISREG(st.st_mode))
      total += std::min<uint64_t>(f.end, uint64_t(st.st_size)) - std::min<uint64_t>(f.begin, uint64_t(st.st_size));
  }
  return total;
}

std::vector<input_file> expand_inputs(const std::vector<std::string>& args, std::vector<skipped_input>* skipped,
                                      const std::vector<std::string>& globs) {
  std::vector<input_file> out;
  std::vector<skipped_input> ignored;
  std::vector<skipped_input>& skip = skipped ? *skipped : ignored;
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
    size_t skipped_before = skip.size();
    directory_walk(found, skip, globs).walk(arg, arg);
    std::sort(skip.begin() + long(skipped_before), skip.end(), [](auto& a, auto& b) { return a.path < b.path; });
    if (found.empty()) {
      std::string has;
      for (size_t k = skipped_before; k < skip.size() && k < skipped_before + 5; ++k)
        has += fmt::format("{}{}", has.empty() ? "" : ", ", fs::path(skip[k].path).filename().string());
      if (skip.size() - skipped_before > 5) has += fmt::format(" and {} more", skip.size() - skipped_before - 5);
      throw usage_error(fmt::format("no {} files in directory '{}'{} (--glob PATTERN selects others, e.g. --glob '*.json')",
                                    globs.empty() ? std::string("*.jsonl* or *.ndjson*") : "--glob", arg,
                                    has.empty() ? std::string() : fmt::format("; it has {}", has)));
    }
    for (auto& f : sorted_once(std::move(found), skip)) out.push_back({std::move(f)});
  }
  for (size_t k = 0; k < out.size(); ++k) out[k].whole_index = uint32_t(k);  // each file's place among the inputs
  return out;
}

input_spool::input_spool(std::vector<input_file>& files) {
  try {
    spool(files);
  } catch (...) {
    // A spool that fails part-way (TMPDIR full, an interrupt) leaves nothing
    // behind: the destructor does not run for a constructor that throws.
    for (auto& t : temps_) ::unlink(t.c_str());
    throw;
  }
}

void input_spool::spool(std::vector<input_file>& files) {
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
