#include "jsift/io/byte_reader.hpp"

#include <cerrno>
#include <cstring>
#include <system_error>
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
  size_t read(char* buf, size_t n) override {
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

}  // namespace

std::unique_ptr<byte_reader> open_stream(int fd, std::string name) {
  auto raw = std::make_unique<fd_reader>(fd, std::move(name));
  char head[4];
  size_t n = raw->read_full(head, sizeof head);
  raw->push_back(head, n);
  switch (detect_compression(reinterpret_cast<unsigned char*>(head), n)) {
    case compression::zstd: return std::make_unique<zstd_reader>(std::move(raw));
    case compression::gzip: return std::make_unique<gzip_reader>(std::move(raw));
    case compression::none: break;
  }
  return raw;
}

}  // namespace jsift
