// bench/simdjson_loop.cpp — the parsing ceiling jsift's stats/filter are
// measured against: the least work that still fully validates every line.
//
//   simdjson_loop [-j N] FILE
//
// Memory-maps FILE, cuts it into N contiguous ranges at newline boundaries,
// and on N threads parses every non-empty line in place with its own
// simdjson DOM parser (full validation). Prints `records=<n> invalid=<m>`.
// A line that is valid JSON but not an object counts as invalid, as in jsift.
// No chunk queue, no ordering, no output: anything jsift adds on top of this
// loop is its overhead.
#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <string>
#include <string_view>
#include <sys/mman.h>
#include <sys/stat.h>
#include <system_error>
#include <thread>
#include <unistd.h>
#include <vector>

#include <fmt/format.h>
#include <simdjson.h>

namespace {

// The largest line a worker will parse. Passed to the parser's constructor
// because set_max_capacity() is inverted in simdjson 3.0.1 (NOTES-deps.md).
constexpr size_t max_line_bytes = size_t(64) << 20;

// A read-only mapping of a whole file followed by at least SIMDJSON_PADDING
// readable bytes, so the last line can be parsed in place like the others.
// The file is mapped with MAP_FIXED over the start of an anonymous PROT_READ
// reservation one padding longer (page-rounded); the bytes past the end of the
// file read as zeros.
class padded_mapping {
 public:
  explicit padded_mapping(const char* path) {
    int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw fmt::system_error(errno, "cannot open '{}'", path);
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
      int e = errno;
      ::close(fd);
      throw fmt::system_error(e, "cannot stat '{}'", path);
    }
    size_ = size_t(st.st_size);
    size_t page = size_t(::sysconf(_SC_PAGESIZE));
    reserved_ = (size_ + simdjson::SIMDJSON_PADDING + page - 1) / page * page;
    void* base = ::mmap(nullptr, reserved_, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) {
      int e = errno;
      ::close(fd);
      throw fmt::system_error(e, "cannot reserve {} bytes for '{}'", reserved_, path);
    }
    base_ = static_cast<const char*>(base);
    if (size_ > 0 && ::mmap(base, size_, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0) == MAP_FAILED) {
      int e = errno;
      ::close(fd);
      throw fmt::system_error(e, "cannot map '{}'", path);
    }
    ::close(fd);  // the mapping keeps the file alive
    ::madvise(base, reserved_, MADV_SEQUENTIAL);
  }
  ~padded_mapping() {
    if (base_) ::munmap(const_cast<char*>(base_), reserved_);
  }
  padded_mapping(const padded_mapping&) = delete;
  padded_mapping& operator=(const padded_mapping&) = delete;

  std::string_view data() const { return {base_, size_}; }

 private:
  const char* base_ = nullptr;
  size_t size_ = 0;
  size_t reserved_ = 0;
};

struct tally {
  uint64_t records = 0;
  uint64_t invalid = 0;
};

// Parses every line of `range`, which starts at a line start and ends just
// after a '\n' (or at the end of the file). The bytes after `range` must be
// readable for SIMDJSON_PADDING: they are the next range or the padding.
tally parse_range(std::string_view range) {
  simdjson::dom::parser parser(max_line_bytes);
  tally t;
  const char* p = range.data();
  const char* end = p + range.size();
  while (p < end) {
    auto* nl = static_cast<const char*>(std::memchr(p, '\n', size_t(end - p)));
    const char* line_end = nl ? nl : end;
    size_t len = size_t(line_end - p);
    // A CRLF file's blank line is a lone '\r': blank, not invalid.
    if (len > 0 && !(len == 1 && *p == '\r')) {
      // realloc_if_needed=false: parse in place, the padding is guaranteed.
      simdjson::dom::element doc;
      auto err = parser.parse(reinterpret_cast<const uint8_t*>(p), len, false).get(doc);
      if (!err && doc.is_object()) ++t.records;
      else ++t.invalid;
    }
    p = line_end + 1;
  }
  return t;
}

// Splits at the first newline at or after each i/n of the file, so ranges
// are whole lines and roughly equal in size.
std::vector<std::string_view> split_lines(std::string_view data, size_t n) {
  std::vector<std::string_view> ranges;
  size_t begin = 0;
  for (size_t i = 1; i <= n && begin < data.size(); ++i) {
    size_t cut = i == n ? data.size() : std::max(begin, data.size() / n * i);
    if (cut < data.size()) {
      size_t nl = data.find('\n', cut);
      cut = nl == std::string_view::npos ? data.size() : nl + 1;
    }
    ranges.push_back(data.substr(begin, cut - begin));
    begin = cut;
  }
  return ranges;
}

struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

constexpr std::string_view usage = "usage: simdjson_loop [-j N] FILE\n";

struct options {
  size_t threads = 0;
  const char* path = nullptr;
};

size_t parse_threads(const char* text) {
  char* end = nullptr;
  errno = 0;
  unsigned long n = std::strtoul(text, &end, 10);
  if (errno || *end || end == text || n == 0 || n > 1024) throw usage_error(fmt::format("invalid thread count '{}'", text));
  return n;
}

options parse_args(int argc, char** argv) {
  options o;
  o.threads = std::max(1u, std::thread::hardware_concurrency());
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "-j" || arg == "--threads") {
      if (i + 1 >= argc) throw usage_error(fmt::format("{} needs a value", arg));
      o.threads = parse_threads(argv[++i]);
    } else if (arg.starts_with("-j")) {
      o.threads = parse_threads(argv[i] + 2);
    } else if (!o.path && (arg.empty() || arg[0] != '-')) {
      o.path = argv[i];
    } else {
      throw usage_error(fmt::format("unexpected argument '{}'", arg));
    }
  }
  if (!o.path) throw usage_error("FILE is required");
  return o;
}

int run(const options& o) {
  padded_mapping file(o.path);
  std::vector<std::string_view> ranges = split_lines(file.data(), o.threads);
  std::vector<tally> tallies(ranges.size());
  {
    std::vector<std::jthread> workers;
    for (size_t i = 0; i < ranges.size(); ++i)
      workers.emplace_back([&, i] { tallies[i] = parse_range(ranges[i]); });
  }
  tally total;
  for (const tally& t : tallies) {
    total.records += t.records;
    total.invalid += t.invalid;
  }
  fmt::print("records={} invalid={}\n", total.records, total.invalid);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(parse_args(argc, argv));
  } catch (const usage_error& e) {
    fmt::print(stderr, "simdjson_loop: {}\n{}", e.what(), usage);
    return 2;
  } catch (const std::system_error& e) {
    fmt::print(stderr, "simdjson_loop: {}\n", e.what());
    return 4;
  }
}
