#include "jsift/io/partial_file.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <system_error>
#include <unistd.h>

#include <fmt/format.h>
#include <xxhash.h>

#include "jsift/error.hpp"
#include "jsift/io/sys.hpp"

namespace jsift {

namespace {
constexpr std::string_view magic = "JSIFTPRT";
}

partial_writer::partial_writer() {
  buf_.append(magic);
  const uint32_t v = partial_reader::version;
  for (int i = 0; i < 4; ++i) buf_.push_back(char((v >> (8 * i)) & 0xff));
}

void partial_writer::u64(uint64_t v) {
  for (int i = 0; i < 8; ++i) buf_.push_back(char((v >> (8 * i)) & 0xff));
}

void partial_writer::str(std::string_view s) {
  u64(s.size());
  buf_.append(s);
}

void partial_writer::bytes(const void* p, size_t n) {
  if (n) buf_.append(static_cast<const char*>(p), n);  // an empty block may have no address
}

std::string partial_writer::finish() {
  u64(XXH3_64bits(buf_.data(), buf_.size()));
  return std::move(buf_);
}

partial_reader::partial_reader(std::string data, std::string name) : data_(std::move(data)), name_(std::move(name)) {
  if (data_.size() < magic.size() + 4 + 8 || data_.compare(0, magic.size(), magic) != 0) fail("no JSIFTPRT header");
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= uint32_t(uint8_t(data_[magic.size() + size_t(i)])) << (8 * i);
  if (v != version) fail(fmt::format("format version {}, this jsift reads version {}", v, version));
  end_ = data_.size() - 8;
  pos_ = magic.size() + 4;
  uint64_t sum = 0;
  for (int i = 0; i < 8; ++i) sum |= uint64_t(uint8_t(data_[end_ + size_t(i)])) << (8 * i);
  if (sum != XXH3_64bits(data_.data(), end_)) fail("its checksum does not match (truncated or altered)");
}

partial_reader partial_reader::open(const std::string& path) { return partial_reader(sys::read_file(path), path); }

void partial_reader::fail(std::string_view what) const {
  throw data_error(fmt::format("{}: not a usable jsift partial: {}", name_, what));
}

uint64_t partial_reader::u64() {
  if (end_ - pos_ < 8) fail("it ends early");
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= uint64_t(uint8_t(data_[pos_ + size_t(i)])) << (8 * i);
  pos_ += 8;
  return v;
}

std::string partial_reader::str() {
  const uint64_t n = u64();
  if (n > end_ - pos_) fail("it ends early");
  std::string s = data_.substr(pos_, size_t(n));
  pos_ += size_t(n);
  return s;
}

void partial_reader::bytes(void* p, size_t n) {
  if (n == 0) return;  // an empty block may have no address (memcpy's arguments must not be null)
  if (n > end_ - pos_) fail("it ends early");
  std::memcpy(p, data_.data() + pos_, n);
  pos_ += n;
}

void partial_reader::end() const {
  if (pos_ != end_) fail("bytes left over after its last section");
}

void write_task_of(partial_writer& w, uint64_t tasks, uint64_t task) {
  w.u64(tasks);
  w.u64(task);
}

std::pair<uint64_t, uint64_t> read_task_of(partial_reader& r) {
  const uint64_t tasks = r.u64(), task = r.u64();
  if (tasks == 0 || task >= tasks) r.fail(fmt::format("task {} of {}", task, tasks));
  return {tasks, task};
}

void write_skipped(partial_writer& w, const std::vector<skipped_input>& skipped) {
  w.u64(skipped.size());
  for (const auto& k : skipped) w.str(k.path), w.str(k.reason);
}

std::vector<skipped_input> read_skipped(partial_reader& r) {
  std::vector<skipped_input> out;
  for (uint64_t n = r.u64(); n > 0; --n) {
    if (r.remaining() < 16) r.fail("fewer skipped inputs than it counts");
    std::string path = r.str();
    out.push_back({std::move(path), r.str()});
  }
  return out;
}

}  // namespace jsift
