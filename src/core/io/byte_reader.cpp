#include "jsift/io/byte_reader.hpp"

#include <cerrno>
#include <cstring>
#include <exception>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <system_error>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include <fmt/format.h>
#include <zlib.h>
#include <zstd.h>

#include "jsift/error.hpp"
#include "jsift/io/interrupt.hpp"

namespace jsift {

compression detect_compression(const unsigned char* head, size_t n) noexcept {
  if (n >= 4 && head[0] == 0x28 && head[1] == 0xB5 && head[2] == 0x2F && head[3] == 0xFD) return compression::zstd;
  // Skippable frames (magic 0x184D2A50-0x184D2A5F), which pzstd and the
  // seekable format write first; the decoder steps over them.
  if (n >= 4 && (head[0] & 0xF0) == 0x50 && head[1] == 0x2A && head[2] == 0x4D && head[3] == 0x18) return compression::zstd;
  if (n >= 2 && head[0] == 0x1F && head[1] == 0x8B) return compression::gzip;
  return compression::none;
}

namespace {

// Raw bytes from a file descriptor, with a few bytes pushed back after
// sniffing the magic number.
class fd_reader final : public byte_reader {
 public:
  fd_reader(int fd, std::string name) : fd_(fd), name_(std::move(name)) {}
  ~fd_reader() override {
    if (fd_ > 0) ::close(fd_);
  }
  void push_back(const char* p, size_t n) { pending_.assign(p, p + n); }
  // Reads at most n more bytes from here on (a task's part of a file).
  void limit(uint64_t n) { left_ = n; }
  size_t read(char* buf, size_t n) override {
    n = size_t(std::min<uint64_t>(n, left_));
    if (n == 0) return 0;
    if (!pending_.empty()) {
      size_t k = std::min(n, pending_.size());
      std::memcpy(buf, pending_.data(), k);
      pending_.erase(pending_.begin(), pending_.begin() + k);
      return k;
    }
    for (;;) {
      ssize_t r = ::read(fd_, buf, n);
      if (r >= 0) {
        consumed_ += uint64_t(r);
        if (left_ != UINT64_MAX) left_ -= uint64_t(r);
        return size_t(r);
      }
      if (errno == EINTR) {
        interrupt::check();
        continue;
      }
      throw std::system_error(errno, std::generic_category(), fmt::format("cannot read '{}'", name_));
    }
  }
  uint64_t consumed() const override { return consumed_; }
  bool compressed() const override { return false; }
  // Reads until n bytes or end of stream.
  size_t read_full(char* buf, size_t n) {
    size_t got = 0;
    while (got < n) {
      size_t r = read(buf + got, n - got);
      if (r == 0) break;
      got += r;
    }
    return got;
  }

 private:
  int fd_;
  std::string name_;
  std::vector<char> pending_;
  uint64_t consumed_ = 0;
  uint64_t left_ = UINT64_MAX;
};

class zstd_reader final : public byte_reader {
 public:
  explicit zstd_reader(std::unique_ptr<fd_reader> src)
      : src_(std::move(src)), ctx_(ZSTD_createDStream()), in_buf_(ZSTD_DStreamInSize()) {
    if (!ctx_) throw std::bad_alloc();
    ZSTD_initDStream(ctx_);
  }
  ~zstd_reader() override { ZSTD_freeDStream(ctx_); }

  size_t read(char* buf, size_t n) override {
    ZSTD_outBuffer out{buf, n, 0};
    while (out.pos == 0) {
      if (in_.pos == in_.size) {
        if (eof_) {
          if (out.pos > 0) break;  // hand back what was decoded; fail on the next call
          if (mid_frame_) throw data_error("truncated zstd frame");
          return 0;
        }
        size_t got = src_->read(in_buf_.data(), in_buf_.size());
        if (got == 0) {
          eof_ = true;
          continue;
        }
        in_ = ZSTD_inBuffer{in_buf_.data(), got, 0};
      }
      size_t ret = ZSTD_decompressStream(ctx_, &out, &in_);
      if (ZSTD_isError(ret)) throw data_error(fmt::format("corrupt zstd data ({})", ZSTD_getErrorName(ret)));
      mid_frame_ = ret != 0;
    }
    return out.pos;
  }
  uint64_t consumed() const override { return src_->consumed(); }

 private:
  std::unique_ptr<fd_reader> src_;
  ZSTD_DStream* ctx_;
  std::vector<char> in_buf_;
  ZSTD_inBuffer in_{nullptr, 0, 0};
  bool eof_ = false;
  bool mid_frame_ = false;
};

class gzip_reader final : public byte_reader {
 public:
  explicit gzip_reader(std::unique_ptr<fd_reader> src) : src_(std::move(src)), in_buf_(size_t(1) << 18) {
    std::memset(&zs_, 0, sizeof zs_);
    if (inflateInit2(&zs_, 15 + 16) != Z_OK) throw std::bad_alloc();
  }
  ~gzip_reader() override { inflateEnd(&zs_); }

  size_t read(char* buf, size_t n) override {
    zs_.next_out = reinterpret_cast<Bytef*>(buf);
    zs_.avail_out = unsigned(std::min<size_t>(n, 1u << 30));
    const unsigned want = zs_.avail_out;
    while (zs_.avail_out == want) {
      if (zs_.avail_in == 0) {
        if (eof_) {
          if (zs_.avail_out != want) break;  // hand back what was decoded first
          if (mid_member_) throw data_error("truncated gzip stream");
          return 0;
        }
        size_t got = src_->read(in_buf_.data(), in_buf_.size());
        if (got == 0) {
          eof_ = true;
          continue;
        }
        zs_.next_in = reinterpret_cast<Bytef*>(in_buf_.data());
        zs_.avail_in = unsigned(got);
      }
      if (!mid_member_) mid_member_ = true;  // a new member starts with these bytes
      int ret = inflate(&zs_, Z_NO_FLUSH);
      if (ret == Z_STREAM_END) {
        mid_member_ = false;
        inflateReset(&zs_);  // concatenated members are one stream
      } else if (ret != Z_OK && ret != Z_BUF_ERROR) {
        throw data_error(fmt::format("corrupt gzip data ({})", zs_.msg ? zs_.msg : "inflate failed"));
      }
    }
    return want - zs_.avail_out;
  }
  uint64_t consumed() const override { return src_->consumed(); }

 private:
  std::unique_ptr<fd_reader> src_;
  std::vector<char> in_buf_;
  z_stream zs_;
  bool eof_ = false;
  bool mid_member_ = false;
};

// The first bytes of a stream, then the rest of it: what a sniffing reader
// hands on when the content is not JSON text.
// A stream that broke while its first bytes were sniffed gives those bytes,
// then its error, where the reader can name the place.
class prefixed_reader final : public byte_reader {
 public:
  prefixed_reader(std::unique_ptr<byte_reader> in, std::string head, std::exception_ptr error)
      : in_(std::move(in)), head_(std::move(head)), error_(std::move(error)) {}
  size_t read(char* buf, size_t n) override {
    if (at_ < head_.size()) {
      size_t k = std::min(n, head_.size() - at_);
      std::memcpy(buf, head_.data() + at_, k);
      at_ += k;
      return k;
    }
    if (error_) std::rethrow_exception(error_);
    return in_->read(buf, n);
  }
  uint64_t consumed() const override { return in_->consumed(); }
  bool compressed() const override { return in_->compressed(); }

 private:
  std::unique_ptr<byte_reader> in_;
  std::string head_;
  size_t at_ = 0;
  std::exception_ptr error_;
};

// A byte of a number or a literal.
bool scalar_byte(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '+' || c == '.';
}

// JSON text to JSONL: a top-level array's elements (or one value), each on
// a line of its own with the whitespace outside strings removed. A state
// machine over the bytes; the record parser validates each value after.
class json_values_reader final : public byte_reader {
 public:
  json_values_reader(std::unique_ptr<byte_reader> in, std::string head, bool one_value)
      : in_(std::move(in)), buf_(std::move(head)), one_value_(one_value) {}

  // A broken stream's error comes after the records before it: what this
  // call wrote is returned first, the error thrown by the next call.
  size_t read(char* out, size_t n) override {
    if (error_) std::rethrow_exception(error_);
    size_t w = 0;
    try {
      w = convert(out, n);
      if (w) last_out_ = out[w - 1];
    } catch (const data_error&) {
      if (w_ == 0) throw;
      error_ = std::current_exception();
      return w_;
    }
    return w;
  }
  uint64_t consumed() const override { return in_->consumed(); }
  bool compressed() const override { return true; }  // its lines are counted as it writes them
  bool json_text() const override { return true; }

 private:
  size_t convert(char* out, size_t n) {
    size_t& w = w_;
    w = 0;
    while (w < n) {
      if (newline_due_) {
        out[w++] = '\n';
        newline_due_ = false;
        continue;
      }
      if (at_ == buf_.size()) {
        if (eof_) break;
        buf_.resize(size_t(1) << 18);
        buf_.resize(in_->read(buf_.data(), buf_.size()));
        at_ = 0;
        if (buf_.empty()) {
          eof_ = true;
          end_of_input();
          continue;  // a last scalar's newline
        }
      }
      if (state_ == state::value && in_string_ && !escape_) {  // a string's bytes in bulk, to its next quote or backslash
        size_t end = at_;
        const size_t stop = std::min(buf_.size(), at_ + (n - w));
#ifdef __SSE2__
        for (; end + 16 <= stop; end += 16) {
          const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(buf_.data() + end));
          const unsigned m = unsigned(_mm_movemask_epi8(
              _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\')))));
          if (m) {
            end += unsigned(__builtin_ctz(m));
            break;
          }
        }
#endif
        while (end < stop && buf_[end] != '"' && buf_[end] != '\\') ++end;
        if (end > at_) {
          std::memcpy(out + w, buf_.data() + at_, end - at_);
          w += end - at_;
          at_ = end;
          continue;
        }
      }
      const char c = buf_[at_++];
      const bool ws = c == ' ' || c == '\n' || c == '\r' || c == '\t';
      switch (state_) {
        case state::start:
          if (bom_ == seen_ && bom_ < 3 && static_cast<unsigned char>(c) == bom_bytes[bom_]) {
            ++bom_, ++seen_;
            continue;
          }
          ++seen_;
          if (ws) continue;
          if (c == '[') {
            array_ = true;
            state_ = state::before_value;
            continue;
          }
          if (!one_value_) throw data_error("JSON text that is not an array: read it with --input-format json");
          begin_value(c, out, w);
          continue;
        case state::before_value:
          if (ws) continue;
          if (c == ']' && values_ == 0 && !after_comma_) {
            state_ = state::done;
            continue;
          }
          if (c == ']' || c == ',') throw data_error(fmt::format("expected a value after element {} of the JSON array", values_));
          begin_value(c, out, w);
          continue;
        case state::value:
          if (in_string_) {
            out[w++] = c;
            if (escape_) escape_ = false;
            else if (c == '\\') escape_ = true;
            else if (c == '"') {
              in_string_ = false;
              if (depth_ == 0) end_value();
            }
            continue;
          }
          if (depth_ == 0) {  // a scalar: ends at whitespace, ',' or ']'
            if (ws || c == ',' || c == ']') {
              end_value();
              --at_;  // the separator is the next state's
              continue;
            }
            out[w++] = c;
            continue;
          }
          if (ws) {  // the run of indentation at once
            if (!gap_) gap_ = true, gap_after_scalar_ = scalar_byte(w ? out[w - 1] : last_out_);
            while (at_ < buf_.size() && (buf_[at_] == ' ' || buf_[at_] == '\n' || buf_[at_] == '\r' || buf_[at_] == '\t')) ++at_;
            continue;
          }
          if (gap_) {  // "2 3" must not become "23": one space stays between two scalars' bytes
            gap_ = false;
            if (gap_after_scalar_ && scalar_byte(c)) {
              out[w++] = ' ';
              --at_;
              continue;
            }
          }
          out[w++] = c;
          if (c == '"') in_string_ = true;
          else if (c == '{' || c == '[') ++depth_;
          else if ((c == '}' || c == ']') && --depth_ == 0) end_value();
          continue;
        case state::after_value:
          if (ws) continue;
          if (!array_) throw data_error("more than one JSON value (--input-format json reads one)");
          if (c == ',') {
            state_ = state::before_value;
            after_comma_ = true;
            continue;
          }
          if (c == ']') {
            state_ = state::done;
            continue;
          }
          throw data_error(fmt::format("expected ',' or ']' after element {} of the JSON array", values_));
        case state::done:
          if (ws) continue;
          throw data_error("text after the end of the JSON array (JSONL whose first line is an array? --input-format jsonl reads lines)");
      }
    }
    return w;
  }

  enum class state { start, before_value, value, after_value, done };
  static constexpr unsigned char bom_bytes[3] = {0xEF, 0xBB, 0xBF};

  void begin_value(char c, char* out, size_t& w) {
    state_ = state::value;
    gap_ = false;
    out[w++] = c;
    if (c == '"') in_string_ = true;
    else if (c == '{' || c == '[') depth_ = 1;
  }
  void end_value() {
    state_ = state::after_value;
    ++values_;
    after_comma_ = false;
    depth_ = 0;
    newline_due_ = true;
  }
  void end_of_input() {
    if (state_ == state::value && !array_ && depth_ == 0 && !in_string_) end_value();  // a last scalar
    switch (state_) {
      case state::start: return;  // empty, or whitespace only
      case state::done: return;
      case state::after_value:
        if (!array_) return;
        [[fallthrough]];
      default:
        if (!array_) throw data_error("truncated JSON value");
        throw data_error(fmt::format("truncated JSON array: no closing ']' after element {}", values_));
    }
  }

  std::unique_ptr<byte_reader> in_;
  std::string buf_;
  size_t at_ = 0;
  bool one_value_;
  bool array_ = false, eof_ = false;
  state state_ = state::start;
  size_t bom_ = 0, seen_ = 0;
  int depth_ = 0;
  bool in_string_ = false, escape_ = false, after_comma_ = false, newline_due_ = false;
  bool gap_ = false, gap_after_scalar_ = false;  // whitespace skipped inside a value (after a scalar's byte)
  char last_out_ = '\n';                          // the last byte the previous call wrote
  uint64_t values_ = 0;
  size_t w_ = 0;  // bytes the current call has written
  std::exception_ptr error_;
};

}  // namespace

bool starts_json_text(const unsigned char* head, size_t n, input_format format) noexcept {
  if (format == input_format::jsonl) return false;
  size_t i = n >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF ? 3 : 0;
  while (i < n && (head[i] == ' ' || head[i] == '\n' || head[i] == '\r' || head[i] == '\t')) ++i;
  if (format == input_format::json) return true;
  return i < n && head[i] == '[';
}

std::unique_ptr<byte_reader> open_range(int fd, std::string name, uint64_t begin, uint64_t end) {
  auto raw = std::make_unique<fd_reader>(fd, name);
  if (begin && ::lseek(fd, off_t(begin), SEEK_SET) < 0)
    throw std::system_error(errno, std::generic_category(), fmt::format("cannot read '{}'", name));
  if (end != UINT64_MAX) raw->limit(end - begin);
  return raw;
}

std::unique_ptr<byte_reader> open_stream(int fd, std::string name, input_format format) {
  auto raw = std::make_unique<fd_reader>(fd, std::move(name));
  char magic[4];
  size_t n = raw->read_full(magic, sizeof magic);
  raw->push_back(magic, n);
  std::unique_ptr<byte_reader> in;
  switch (detect_compression(reinterpret_cast<unsigned char*>(magic), n)) {
    case compression::zstd: in = std::make_unique<zstd_reader>(std::move(raw)); break;
    case compression::gzip: in = std::make_unique<gzip_reader>(std::move(raw)); break;
    case compression::none: in = std::move(raw); break;
  }
  if (format == input_format::jsonl) return in;
  // Up to 4 KiB of the content, to find its first byte that is not whitespace.
  std::string head(4096, '\0');
  size_t got = 0;
  std::exception_ptr error;
  try {
    while (got < head.size()) {
      size_t r = in->read(head.data() + got, head.size() - got);
      if (r == 0) break;
      got += r;
    }
  } catch (const data_error&) {
    error = std::current_exception();  // thrown after these bytes, by the reader
  }
  head.resize(got);
  if (!error && starts_json_text(reinterpret_cast<const unsigned char*>(head.data()), head.size(), format))
    return std::make_unique<json_values_reader>(std::move(in), std::move(head), format == input_format::json);
  return std::make_unique<prefixed_reader>(std::move(in), std::move(head), std::move(error));
}

std::vector<std::optional<text_position>> json_text_positions(const std::string& path,
                                                              const std::vector<std::pair<uint64_t, uint64_t>>& wanted) {
  std::vector<std::optional<text_position>> out(wanted.size());
  if (wanted.empty()) return out;
  struct stat sb;
  if (path.empty() || path == "-" || ::stat(path.c_str(), &sb) != 0 || !S_ISREG(sb.st_mode)) return out;  // a pipe cannot be read twice
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return out;
  try {
    std::unique_ptr<byte_reader> in = open_stream(fd, path, input_format::jsonl);  // decompressed, not converted
    static constexpr unsigned char bom_bytes[3] = {0xEF, 0xBB, 0xBF};
    std::string buf(size_t(1) << 16, '\0');
    text_position at{1, 0};  // of the byte being read
    size_t bom = 0, k = 0;   // k: the wanted place looked for
    bool started = false, array = false, in_value = false, in_string = false, escape = false, gap = false, last_scalar = false;
    int depth = 0;  // inside the current value
    uint64_t values = 0, minified = 0;
    auto mine = [&] { return k < wanted.size() && values == wanted[k].first; };
    auto found = [&](text_position p) {
      out[k++] = p;
      minified = 0;
      gap = last_scalar = false;
    };
    for (size_t n; k < wanted.size() && (n = in->read(buf.data(), buf.size())) > 0;) {
      for (size_t i = 0; i < n && k < wanted.size(); ++i) {
        const char c = buf[i];
        if (c == '\n') ++at.line, at.column = 0;
        else ++at.column;
        if (bom < 3 && at.line == 1 && at.column == 1 && static_cast<unsigned char>(c) == bom_bytes[bom]) {
          ++bom;  // a BOM's bytes are not columns
          at.column = 0;
          continue;
        }
        bom = 3;
        const bool ws = c == ' ' || c == '\n' || c == '\r' || c == '\t';
        if (!in_value) {
          if (ws) continue;
          if (!started && c == '[') {
            started = array = true;
            continue;
          }
          started = true;
          if (c == ',') continue;
          if (c == ']') return out;  // fewer elements than that
          in_value = true;
          ++values;
          if (!array && values > 1) return out;
          while (k < wanted.size() && wanted[k].first < values) ++k;  // unsorted or repeated: not found
        }
        if (!in_string && depth == 0 && c != '"' && c != '{' && c != '[' && (ws || c == ',' || c == ']')) {
          in_value = false;  // a scalar's end
          if (mine()) found(at);
          continue;
        }
        if (mine() && !in_string) {  // the converter's one space between two scalars' bytes counts
          if (ws) {
            gap = true;
          } else {
            if (gap && last_scalar && scalar_byte(c) && ++minified == wanted[k].second) found(at);
            gap = false;
            last_scalar = scalar_byte(c);
          }
        }
        if (mine() && (in_string || !ws) && ++minified == wanted[k].second) found(at);
        if (in_string) {
          if (escape) escape = false;
          else if (c == '\\') escape = true;
          else if (c == '"') in_string = false;
        } else if (c == '"') {
          in_string = true;
        } else if (c == '{' || c == '[') {
          ++depth;
        } else if (c == '}' || c == ']') {
          --depth;
        }
        if (!in_string && depth == 0 && (c == '"' || c == '}' || c == ']')) {  // a string's or a container's end
          in_value = false;
          if (mine()) found(text_position{at.line, at.column + 1});
        }
      }
    }
    if (mine()) found(at);
  } catch (const std::exception&) {
  }
  return out;
}

std::optional<text_position> json_text_position(const std::string& path, uint64_t element, uint64_t column) {
  if (element == 0 || column == 0) return std::nullopt;
  return json_text_positions(path, {{element, column}})[0];
}

}  // namespace jsift
