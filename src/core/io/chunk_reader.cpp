#include "jsift/io/chunk_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <sys/mman.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

#include <fmt/format.h>
#include <simdjson.h>

#include "jsift/io/byte_reader.hpp"
#include "jsift/error.hpp"

namespace jsift {
namespace {

constexpr size_t pad = simdjson::SIMDJSON_PADDING;

// A read-only file mapping followed by at least `pad` zero bytes: the file
// is mapped over the start of a larger anonymous reservation, so the last
// line of the file can be parsed in place (simdjson reads past the end).
struct mapped_file {
  const char* base = nullptr;
  size_t size = 0;
  size_t reserved = 0;

  mapped_file(int fd, size_t sz, const std::string& name) : size(sz) {
    size_t page = size_t(sysconf(_SC_PAGESIZE));
    reserved = (size + pad + page - 1) / page * page;
    void* r = ::mmap(nullptr, reserved, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (r == MAP_FAILED) throw std::system_error(errno, std::generic_category(), fmt::format("cannot map '{}'", name));
    void* m = ::mmap(r, size, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0);
    if (m == MAP_FAILED) {
      int e = errno;
      ::munmap(r, reserved);
      throw std::system_error(e, std::generic_category(), fmt::format("cannot map '{}'", name));
    }
    ::madvise(m, size, MADV_SEQUENTIAL);
    base = static_cast<const char*>(m);
  }
  ~mapped_file() { ::munmap(const_cast<char*>(base), reserved); }
  mapped_file(const mapped_file&) = delete;
  mapped_file& operator=(const mapped_file&) = delete;
};

// Recycles the fixed-size buffers of stream chunks: a chunk holds its buffer
// until it is committed, then the buffer returns here.
class buffer_pool : public std::enable_shared_from_this<buffer_pool> {
 public:
  explicit buffer_pool(size_t cap) : cap_(cap) {}
  size_t capacity() const { return cap_; }
  std::shared_ptr<char> acquire() {
    char* p = nullptr;
    {
      std::lock_guard lock(mu_);
      if (!free_.empty()) {
        p = free_.back();
        free_.pop_back();
      }
    }
    if (!p) p = new char[cap_ + pad];
    auto self = shared_from_this();
    return std::shared_ptr<char>(p, [self](char* q) { self->release(q); });
  }
  ~buffer_pool() {
    for (char* p : free_) delete[] p;
  }

 private:
  void release(char* p) {
    std::lock_guard lock(mu_);
    if (free_.size() < 64) {
      free_.push_back(p);
      return;
    }
    delete[] p;
  }
  size_t cap_;
  std::mutex mu_;
  std::vector<char*> free_;
};

// Keeps a mapped chunk's pages alive while the chunk is in use, and drops
// them from our page tables when the last user lets go. Without this a 1 TB
// input would end with 1 TB of resident (page-cache backed) mappings: RSS
// would grow with the input. The range is rounded out to whole pages; a page
// shared with a neighbouring chunk that is still being parsed just faults in
// again from the page cache (a private, never-written file mapping re-reads
// the file), and past the end the reservation is zero-fill, as it was.
struct mapped_range {
  std::shared_ptr<mapped_file> map;
  size_t off, len;
  ~mapped_range() {
    static const size_t page = size_t(sysconf(_SC_PAGESIZE));
    size_t start = off / page * page;
    size_t end = std::min(map->reserved, (off + len + pad + page - 1) / page * page);
    ::madvise(const_cast<char*>(map->base) + start, end - start, MADV_DONTNEED);
  }
};

std::shared_ptr<char> make_buffer(size_t n) {
  return std::shared_ptr<char>(new char[n + pad], std::default_delete<char[]>());
}

}  // namespace

struct chunk_reader::state {
  std::shared_ptr<buffer_pool> pool;
  uint64_t seq = 0;
  size_t cursor = 0;        // index of the current file
  uint64_t done_bytes = 0;  // input bytes of finished files
  // the current file
  bool open = false;
  std::shared_ptr<mapped_file> map;
  size_t pos = 0;  // mapped: next byte; stream: decompressed offset of the next chunk
  size_t first = 0;  // the byte the file is read from (a task's part starts later)
  size_t stop = 0;   // mapped: the end of what is read
  std::unique_ptr<byte_reader> stream;
  std::shared_ptr<char> carry_buf;  // stream: the bytes after the last newline
  size_t carry_off = 0;
  size_t carry = 0;
  bool eof = false;
  bool empty = false;         // an empty regular file: nothing to read
  uint64_t stream_lines = 0;  // lines emitted so far from this stream (for messages)
  bool count_lines = false;   // only compressed streams can fail mid-way and need them

  bool next_mapped(const chunk_options& o, chunk& out);
  bool next_streamed(const chunk_options& o, chunk& out, const std::string& name);
  bool next_long_line(const chunk_options& o, chunk& out, const std::string& name, std::shared_ptr<char> big, size_t cap,
                      size_t n);
  bool next_oversized(const chunk_options& o, chunk& out, const std::string& name, std::shared_ptr<char> big, size_t n,
                      const char* found);
  bool emit_lines(chunk& out, std::shared_ptr<char> buf, size_t n, size_t len);
  void save_carry(const char* from, size_t n);
  static void seal(char* b, size_t len);
  // The longest line allowed at `pos`: a file's first line may carry a
  // UTF-8 BOM on top of --max-line-bytes (the record job strips it).
  size_t line_limit(const chunk_options& o, const char* start, size_t avail) const {
    return o.max_line_bytes + (pos == 0 && avail >= 3 && std::memcmp(start, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0);
  }
  void open_file(const chunk_options& o, const input_file& f);
  size_t fill(char* buf, size_t n, const std::string& name, size_t prefix);
};

void chunk_reader::state::open_file(const chunk_options& o, const input_file& f) {
  int fd = 0;
  if (f.path != "-") {
    fd = ::open(f.path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw std::system_error(errno, std::generic_category(), fmt::format("cannot open '{}'", f.path));
  }
  auto close_fd = [fd] {
    if (fd > 0) ::close(fd);
  };
  struct stat sb;
  if (::fstat(fd, &sb) != 0) {
    int e = errno;
    close_fd();
    throw std::system_error(e, std::generic_category(), fmt::format("cannot read '{}'", f.name()));
  }
  if (S_ISDIR(sb.st_mode)) {
    close_fd();
    throw std::system_error(EISDIR, std::generic_category(), fmt::format("cannot read '{}'", f.name()));
  }
  open = true;
  pos = first = f.part() ? size_t(f.begin) : 0;
  eof = false;
  empty = false;
  carry = 0;
  carry_off = 0;
  stream_lines = 0;
  if (S_ISREG(sb.st_mode) && sb.st_size == 0) {
    close_fd();
    empty = true;
    return;
  }
  if (o.use_mmap && S_ISREG(sb.st_mode)) {
    unsigned char head[4] = {0, 0, 0, 0};
    ssize_t n = ::pread(fd, head, sizeof head, 0);
    unsigned char text[4096];
    ssize_t t = o.format == input_format::jsonl ? 0 : ::pread(fd, text, sizeof text, 0);
    const bool json_text = t > 0 && starts_json_text(text, size_t(t), o.format);
    if (n >= 0 && detect_compression(head, size_t(n)) == compression::none && !json_text) {
      try {
        map = std::make_shared<mapped_file>(fd, size_t(sb.st_size), f.name());
      } catch (...) {
        close_fd();
        throw;
      }
      close_fd();
      stop = size_t(std::min<uint64_t>(f.end, uint64_t(sb.st_size)));
      return;
    }
  }
  if (f.part()) {  // a task's part of a plain file: its bytes as they are (no sniffing mid-file)
    stream = open_range(fd, f.name(), f.begin, f.end);
    return;
  }
  stream = open_stream(fd, f.name(), o.format);  // owns fd from here
  count_lines = stream->compressed();
}

bool chunk_reader::state::next_mapped(const chunk_options& o, chunk& out) {
  const char* base = map->base;
  const size_t size = stop;
  if (pos >= size) return false;
  out = chunk{};
  out.offset = pos;
  out.file_start = pos == 0;
  size_t end = std::min(size, pos + o.chunk_bytes);
  const char* nl = end == size ? nullptr : static_cast<const char*>(::memrchr(base + pos, '\n', end - pos));
  if (nl) {  // the usual case: whole lines up to the last newline in the window
    out.data = std::string_view(base + pos, size_t(nl + 1 - (base + pos)));
    pos = size_t(nl + 1 - base);
  } else if (end == size && size - pos <= std::max(o.chunk_bytes, line_limit(o, base + pos, size - pos))) {
    out.data = std::string_view(base + pos, size - pos);
    pos = size;
  } else {  // no newline in the window: a line longer than the chunk size
    const char* e = static_cast<const char*>(::memchr(base + end, '\n', size - end));
    size_t line_end = e ? size_t(e - base) : size;  // excluding '\n'
    size_t len = line_end - pos;
    size_t next = e ? line_end + 1 : size;
    if (len > line_limit(o, base + pos, size - pos)) {  // mapped: the whole line (and its '\n') costs no memory
      out.oversized = len;
      out.oversized_newline = e != nullptr;
      out.data = std::string_view(base + pos, next - pos);
    } else {
      out.data = std::string_view(base + pos, next - pos);
    }
    pos = next;
  }
  out.file_end = pos >= size;
  out.keep_alive = std::make_shared<mapped_range>(mapped_range{map, size_t(out.data.data() - base), out.data.size()});
  return true;
}

// `prefix` bytes of the same buffer precede buf (a carried partial line):
// a decode error's line and column count them too.
size_t chunk_reader::state::fill(char* buf, size_t n, const std::string& name, size_t prefix) {
  size_t got = 0;
  try {
    while (got < n && !eof) {
      size_t r = stream->read(buf + got, n - got);
      if (r == 0) eof = true;
      got += r;
    }
  } catch (const data_error& e) {
    // Name the place: the line being read when the stream broke.
    size_t lines = 0, col = 0;
    for (const char* p = buf - prefix; p < buf + got; ++p) {
      if (*p == '\n') ++lines, col = 0;
      else ++col;
    }
    throw data_error(fmt::format("{}:{}:{}: {}", name, stream_lines + lines + 1, col + 1, e.what()));
  }
  return got;
}

void chunk_reader::state::save_carry(const char* from, size_t n) {
  auto c = make_buffer(n);
  std::memcpy(c.get(), from, n);
  carry_buf = std::move(c);
  carry_off = 0;
  carry = n;
}

// The padding simdjson may read after the last line of a buffer.
void chunk_reader::state::seal(char* b, size_t len) { std::memset(b + len, 0, pad); }

// The chunk is the first `len` bytes of `buf` (whole lines); the `n - len`
// after them start the next chunk.
bool chunk_reader::state::emit_lines(chunk& out, std::shared_ptr<char> buf, size_t n, size_t len) {
  char* b = buf.get();
  if (len < n) save_carry(b + len, n - len);
  seal(b, len);
  out.data = std::string_view(b, len);
  out.keep_alive = std::move(buf);
  pos += len;
  if (count_lines) stream_lines += size_t(std::count(out.data.begin(), out.data.end(), '\n'));
  out.file_end = eof && carry == 0;
  return true;
}

bool chunk_reader::state::next_streamed(const chunk_options& o, chunk& out, const std::string& name) {
  if (eof && carry == 0) return false;
  // The carried partial line can be longer than a chunk (after a long line
  // or a skipped over-long one): then this buffer is sized for it plus a
  // chunk of new data, instead of a pooled one it would overflow.
  size_t cap = o.chunk_bytes;
  std::shared_ptr<char> buf;
  if (carry >= o.chunk_bytes) {
    cap = carry + o.chunk_bytes;
    buf = make_buffer(cap);
  } else {
    buf = pool->acquire();
  }
  char* b = buf.get();
  size_t n = 0;
  if (carry) {
    std::memcpy(b, carry_buf.get() + carry_off, carry);
    n = carry;
    carry = 0;
    carry_buf.reset();
  }
  n += fill(b + n, cap - n, name, n);
  if (n == 0) return false;
  out = chunk{};
  out.offset = pos;
  out.file_start = pos == 0;
  out.json_text = stream->json_text();
  const char* nl = static_cast<const char*>(::memrchr(b, '\n', n));
  if (nl || eof) return emit_lines(out, std::move(buf), n, nl ? size_t(nl + 1 - b) : n);
  return next_long_line(o, out, name, std::move(buf), cap, n);
}

// The buffer is full and holds no newline: a line longer than the chunk
// size. Grow up to max_line_bytes + 1 looking for its end; a line that fits
// is a chunk of its own, a longer one is skipped (next_oversized).
bool chunk_reader::state::next_long_line(const chunk_options& o, chunk& out, const std::string& name, std::shared_ptr<char> big,
                                         size_t cap, size_t n) {
  const char* found = nullptr;
  const size_t limit = line_limit(o, big.get(), n);
  while (!found && !eof && n <= limit) {
    size_t ncap = std::min(cap * 2, limit + 1);
    if (ncap <= cap) break;
    auto nb = make_buffer(ncap);
    std::memcpy(nb.get(), big.get(), n);
    big = nb;
    cap = ncap;
    size_t before = n;
    n += fill(big.get() + n, cap - n, name, n);
    found = static_cast<const char*>(::memchr(big.get() + before, '\n', n - before));
  }
  if (found || (eof && n <= limit)) {
    size_t line_end = found ? size_t(found - big.get()) : n;
    if (line_end <= limit) return emit_lines(out, std::move(big), n, found ? line_end + 1 : n);
  }
  return next_oversized(o, out, name, std::move(big), n, found);
}

// A line over max_line_bytes: keep its first max_line_bytes (all that is
// ever held of it) and read past the rest to its newline.
bool chunk_reader::state::next_oversized(const chunk_options& o, chunk& out, const std::string& name, std::shared_ptr<char> big,
                                         size_t n, const char* found) {
  char* g = big.get();
  size_t len = n;  // the line's length, without its newline
  bool ended = found != nullptr;
  if (found) {
    len = size_t(found - g);
    if (n > len + 1) save_carry(found + 1, n - len - 1);  // what follows the line
  }
  std::vector<char> scratch;
  while (!ended && !eof) {
    scratch.resize(size_t(1) << 20);
    size_t r = fill(scratch.data(), scratch.size(), name, 0);
    const char* f = static_cast<const char*>(::memchr(scratch.data(), '\n', r));
    if (!f) {
      len += r;
      continue;
    }
    len += size_t(f - scratch.data());
    save_carry(f + 1, r - size_t(f - scratch.data()) - 1);
    ended = true;
  }
  out.oversized = len;
  out.oversized_newline = ended;
  size_t keep = std::min(line_limit(o, g, n), n);
  seal(g, keep);
  out.data = std::string_view(g, keep);
  out.keep_alive = std::move(big);
  pos += len + (ended ? 1 : 0);
  stream_lines += 1;
  out.file_end = eof && carry == 0;
  return true;
}

chunk_reader::chunk_reader(std::vector<input_file> files, chunk_options opts)
    : files_(std::move(files)), opts_(opts), st_(std::make_unique<state>()) {
  opts_.chunk_bytes = std::max<size_t>(opts_.chunk_bytes, 64);
  opts_.max_line_bytes = std::max<size_t>(opts_.max_line_bytes, 1);
  st_->pool = std::make_shared<buffer_pool>(opts_.chunk_bytes);
  bool all_regular = true;
  for (const auto& f : files_) {
    struct stat sb;
    if (f.path == "-" || ::stat(f.path.c_str(), &sb) != 0 || !S_ISREG(sb.st_mode)) {
      all_regular = false;
      break;
    }
    total_bytes_ += std::min<uint64_t>(f.end, uint64_t(sb.st_size)) - std::min<uint64_t>(f.begin, uint64_t(sb.st_size));
  }
  if (!all_regular) total_bytes_ = 0;
}

chunk_reader::~chunk_reader() = default;

uint64_t chunk_reader::consumed_bytes() const {
  const state& s = *st_;
  if (s.map) return s.done_bytes + s.pos - s.first;
  if (s.stream) return s.done_bytes + s.stream->consumed();
  return s.done_bytes;
}

bool chunk_reader::next(chunk& out) {
  state& s = *st_;
  for (;;) {
    if (!s.open) {
      if (s.cursor >= files_.size()) return false;
      s.open_file(opts_, files_[s.cursor]);
    }
    bool produced = false;
    if (s.map) produced = s.next_mapped(opts_, out);
    else if (s.stream) produced = s.next_streamed(opts_, out, files_[s.cursor].name());
    if (produced) {
      out.seq = s.seq++;
      out.file_index = uint32_t(s.cursor);
      return true;
    }
    if (s.map) s.done_bytes += s.stop - s.first;
    else if (s.stream) s.done_bytes += s.stream->consumed();
    s.map.reset();
    s.stream.reset();
    s.carry_buf.reset();
    s.carry = 0;
    s.open = false;
    ++s.cursor;
  }
}

}  // namespace jsift
