#include "jsift/sets/key_index.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sys/stat.h>
#include <system_error>

#include <fmt/format.h>
#include <xxh_x86dispatch.h>

#include "jsift/error.hpp"
#include "jsift/io/output_file.hpp"

namespace jsift {
namespace {

constexpr char magic[8] = {'J', 'S', 'I', 'F', 'T', 'I', 'D', 'X'};
// Version 2: keys under Unicode normalisation (the spec names the Unicode
// version, ";unicode=15.0.0"); a jsift that reads only version 1 refuses it
// instead of comparing keys it cannot reproduce. Other keys stay version 1.
constexpr uint32_t oldest_version = 1, newest_version = 2;
uint32_t version_for(const std::string& spec) { return spec.find(";unicode=") == std::string::npos ? 1 : 2; }

// Only a regular file can be an index (a directory or a FIFO would make
// ifstream fail with a message that names nothing, or block).
void require_regular(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) throw std::system_error(errno, std::generic_category(), fmt::format("cannot open '{}'", path));
  if (S_ISDIR(st.st_mode)) throw usage_error(fmt::format("'{}' is a directory, not a key index file", path));
  if (!S_ISREG(st.st_mode)) throw usage_error(fmt::format("'{}' is not a regular file, so not a key index file", path));
}

std::string slurp(const std::string& path) {
  require_regular(path);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::system_error(errno, std::generic_category(), fmt::format("cannot open '{}'", path));
  std::string data((std::istreambuf_iterator<char>(in)), {});
  if (in.bad()) throw std::system_error(errno, std::generic_category(), fmt::format("cannot read '{}'", path));
  return data;
}

template <class T>
void put(std::string& out, T v) {
  char b[sizeof v];
  std::memcpy(b, &v, sizeof v);
  out.append(b, sizeof v);
}

template <class T>
T get(const std::string& d, size_t at) {
  T v;
  std::memcpy(&v, d.data() + at, sizeof v);
  return v;
}

}  // namespace

bool looks_like_key_index(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  std::ifstream in(path, std::ios::binary);
  char head[sizeof magic] = {};
  in.read(head, sizeof head);
  return in.gcount() == sizeof head && std::memcmp(head, magic, sizeof magic) == 0;
}

uint64_t read_key_index(const std::string& path, const std::string& expected_spec, key_set& into, uint64_t payload) {
  return read_key_index(path, expected_spec, [&](const hash128& h) { into.insert(h, payload); });
}

uint64_t read_key_index(const std::string& path, const std::string& expected_spec, const std::function<void(const hash128&)>& add) {
  const std::string d = slurp(path);
  auto bad = [&](std::string_view why) { return data_error(fmt::format("{}: {}", path, why)); };
  if (d.size() < sizeof magic || std::memcmp(d.data(), magic, sizeof magic) != 0)
    throw bad("not a jsift index (wrong magic bytes)");
  if (d.size() < 16) throw bad("truncated index");
  if (uint32_t v = get<uint32_t>(d, 8); v < oldest_version || v > newest_version)
    throw bad(fmt::format("index version {} is not supported (this jsift reads {} to {})", v, oldest_version, newest_version));
  const size_t spec_len = get<uint32_t>(d, 12);
  if (d.size() < 16 + spec_len + 8 + 8) throw bad("truncated index");
  const uint64_t n = get<uint64_t>(d, 16 + spec_len);
  const size_t keys_at = 16 + spec_len + 8;
  if (n > (d.size() - keys_at) / 16 || d.size() != keys_at + n * 16 + 8) throw bad("truncated or corrupt index (its size does not match its key count)");
  const size_t body = d.size() - 8;
  if (XXH3_64bits(d.data(), body) != get<uint64_t>(d, body)) throw bad("corrupt index (checksum mismatch)");
  std::string spec = d.substr(16, spec_len);
  if (spec != expected_spec)
    throw bad(fmt::format("index was built for key '{}', this run compares '{}'", spec, expected_spec));
  for (uint64_t k = 0; k < n; ++k) add(hash128{get<uint64_t>(d, keys_at + k * 16), get<uint64_t>(d, keys_at + k * 16 + 8)});
  return n;
}

void write_key_index(const std::string& path, const std::string& spec, const key_set& keys) {
  write_key_index(path, spec, keys.size(), [&](const std::function<void(const hash128&)>& f) { keys.for_each(f); });
}

void write_key_index(const std::string& path, const std::string& spec, uint64_t n, const key_visitor& each) {
  std::string out;
  out.reserve(32 + spec.size() + n * 16);
  out.append(magic, sizeof magic);
  put<uint32_t>(out, version_for(spec));
  put<uint32_t>(out, uint32_t(spec.size()));
  out += spec;
  put<uint64_t>(out, n);
  each([&](const hash128& h) {
    put<uint64_t>(out, h.lo);
    put<uint64_t>(out, h.hi);
  });
  put<uint64_t>(out, XXH3_64bits(out.data(), out.size()));
  write_file_atomic(path, out);
}

}  // namespace jsift
