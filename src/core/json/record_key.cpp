#include "jsift/json/record_key.hpp"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <cstring>
#include <deque>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <new>

#include <fmt/format.h>
#include <xxh_x86dispatch.h>

#include "jsift/error.hpp"
#include "short_copy.hpp"

namespace jsift {
namespace dom = simdjson::dom;
using detail::copy_short;

// key_prefix and the tape reader load multi-byte values as they lie in memory.
static_assert(std::endian::native == std::endian::little, "jsift assumes a little-endian machine");

key_spec key_spec::parse(const std::vector<std::string>& paths, std::string_view normalize) {
  key_spec k;
  for (const auto& p : paths) k.paths.push_back(for_option("key", [&] { return path::parse(p); }));
  k.norm = normalization::parse(normalize);
  return k;
}

std::string key_spec::text() const {
  std::string out;
  if (paths.empty()) out = "record";
  for (size_t i = 0; i < paths.size(); ++i) {
    if (i) out += ',';
    out += paths[i].text();
  }
  out += ";normalize=" + norm.text();
  if (norm.unicode()) out += ";unicode=" + unicode_version();  // the tables' version decides the keys
  return out;
}

namespace {

// Byte order of keys, with the first byte compared inline: most keys differ
// there, and a memcmp call per comparison was 10 % of `dedup`.
inline bool key_less(std::string_view a, std::string_view b) {
  if (!a.empty() && !b.empty() && a[0] != b[0]) return static_cast<unsigned char>(a[0]) < static_cast<unsigned char>(b[0]);
  return a < b;
}

// The first 7 bytes of a key, zero-padded, as a big-endian number: keys
// whose prefixes differ compare like their prefixes. Reads only the key's
// bytes (overlapping loads for short keys, as XXH3 does).
inline uint64_t key_prefix(std::string_view k) {
  const auto* p = reinterpret_cast<const unsigned char*>(k.data());
  const size_t n = k.size();
  uint64_t v = 0;
  if (n >= 8) {
    std::memcpy(&v, p, 8);
  } else if (n >= 4) {
    uint32_t lo, hi;
    std::memcpy(&lo, p, 4);
    std::memcpy(&hi, p + n - 4, 4);
    v = uint64_t(lo) | (uint64_t(hi) << (8 * (n - 4)));
  } else if (n > 0) {
    v = uint64_t(p[0]) | (uint64_t(p[n / 2]) << (8 * (n / 2))) | (uint64_t(p[n - 1]) << (8 * (n - 1)));
  }
  return __builtin_bswap64(v) & ~uint64_t(0xff);
}

// Fills `order` with the indexes of `m` (anything with a `key`) in key byte
// order, stably: repeated keys keep their order. Objects of up to 256
// members sort one 64-bit word per member, prefix above index, so almost
// every comparison is one integer compare; only members whose 7-byte
// prefixes tie compare whole keys. (Sorting the members by comparing their
// keys was 20 % of `dedup`.)
template <class Member>
void sort_by_key(const std::vector<Member>& m, std::vector<uint64_t>& order) {
  const size_t n = m.size();
  order.resize(n);
  auto full_less = [&](uint64_t a, uint64_t b) { return key_less(m[a & 0xff].key, m[b & 0xff].key); };
  if (n > 256) {
    for (size_t i = 0; i < n; ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](uint64_t a, uint64_t b) { return key_less(m[a].key, m[b].key); });
    return;
  }
  for (size_t i = 0; i < n; ++i) order[i] = key_prefix(m[i].key) | i;
  if (n <= 32) {
    for (size_t i = 1; i < n; ++i) {
      const uint64_t x = order[i];
      size_t j = i;
      for (; j > 0 && order[j - 1] > x; --j) order[j] = order[j - 1];
      order[j] = x;
    }
  } else {
    std::sort(order.begin(), order.end());  // the words are distinct: the same order as a stable sort
  }
  // Runs of equal prefixes are in input order: order them by whole keys.
  for (size_t a = 0; a < n;) {
    size_t b = a + 1;
    while (b < n && ((order[b] ^ order[a]) >> 8) == 0) ++b;
    if (b - a > 16) {
      std::stable_sort(order.begin() + long(a), order.begin() + long(b), full_less);
    } else {
      for (size_t i = a + 1; i < b; ++i) {
        const uint64_t x = order[i];
        size_t j = i;
        for (; j > a && full_less(x, order[j - 1]); --j) order[j] = order[j - 1];
        order[j] = x;
      }
    }
    a = b;
  }
  for (size_t i = 0; i < n; ++i) order[i] &= 0xff;
}

}  // namespace

// The orders of recently seen key sequences. Records of a dataset repeat a
// few object shapes, and sorting each object's keys again cost more than
// the rest of the encoding. An object whose key prefixes (key_prefix) are
// all distinct and equal, position by position, to a remembered sequence's
// sorts the same way, so it takes that order.
struct order_cache {
  static constexpr size_t slots = 64, max_members = 32;
  struct entry {
    size_t n = 0;
    uint64_t prefix[max_members];
    uint8_t order[max_members];
  };
  entry entries[slots];
  uint64_t prefix[max_members];  // of the object being sorted

  template <class Member>
  void sort(const std::vector<Member>& m, std::vector<uint64_t>& order) {
    const size_t n = m.size();
    if (n < 2 || n > max_members) return sort_by_key(m, order);
    uint64_t h = n;
    for (size_t i = 0; i < n; ++i) {
      prefix[i] = key_prefix(m[i].key);
      h = (h ^ prefix[i]) * 0x9E3779B97F4A7C15ull;
    }
    entry& e = entries[h >> 58];
    order.resize(n);
    if (e.n == n && std::memcmp(e.prefix, prefix, n * sizeof(uint64_t)) == 0) {
      for (size_t i = 0; i < n; ++i) order[i] = e.order[i];
      return;
    }
    sort_by_key(m, order);
    for (size_t i = 1; i < n; ++i)
      if (prefix[order[i]] == prefix[order[i - 1]]) return;  // a tie: the order depends on more than prefixes
    e.n = n;
    std::memcpy(e.prefix, prefix, n * sizeof(uint64_t));
    for (size_t i = 0; i < n; ++i) e.order[i] = uint8_t(order[i]);
  }
};

namespace {

// simdjson's DOM tape, as its doc/tape.md documents it: one 64-bit word per
// scalar or bracket, the type in the top byte; a number's value in the next
// word; an open bracket's payload holds the index after its close bracket
// (low 32 bits) and a count of its children saturating at 0xFFFFFF (next 24
// bits); a string's, its offset in the string buffer (32-bit length, bytes).
namespace tape {
constexpr uint64_t count_saturated = 0xFFFFFF;
inline char type(uint64_t w) { return char(w >> 56); }
inline size_t after(uint64_t w) { return size_t(w & 0xFFFFFFFF); }
inline uint64_t count(uint64_t w) { return (w >> 32) & count_saturated; }
inline std::string_view string(const uint8_t* strings, uint64_t w) {
  const uint8_t* p = strings + (w & 0x00FFFFFFFFFFFFFF);
  uint32_t len;
  std::memcpy(&len, p, 4);
  return {reinterpret_cast<const char*>(p + 4), len};
}
// The index of the word after the value at i.
inline size_t next(const uint64_t* t, size_t i) {
  switch (type(t[i])) {
    case '{':
    case '[': return after(t[i]);
    case 'l':
    case 'u':
    case 'd': return i + 2;
    default: return i + 1;
  }
}
}  // namespace tape

}  // namespace

// The canonical encoding goes through a cursor into a fixed buffer; each
// value first makes sure of room for its worst case (plain stores: growing a
// string byte by byte was 11 % of `dedup`). A key whose encoding outgrows
// the buffer streams it through XXH3, whose streaming digest equals the
// one-shot hash of the same bytes: memory stays bounded whatever the record.
// Tag, length, bytes: no two different values share an encoding.
namespace {
constexpr size_t inline_max = 48;                          // longer strings go in as their hash
constexpr size_t max_value_bytes = 8 + 1 + inline_max;     // a string's worst case
constexpr size_t buffer_bytes = size_t(64) << 10;
}  // namespace

// The encoder behind key_hasher: a cursor into a fixed buffer, the
// normalisation scratch, per-depth member scratch and the order cache.
struct key_hasher::impl {
  struct member {
    std::string_view key;
    dom::element value;
  };
  struct tape_member {
    std::string_view key;
    size_t value;  // tape index
  };
  struct level {  // the scratch of one nesting depth
    std::vector<member> members;
    std::vector<tape_member> tape_members;
    std::vector<uint64_t> order;  // member indexes in key order
  };
  struct stream_deleter {
    void operator()(XXH3_state_t* s) const { XXH3_freeState(s); }
  };

  explicit impl(const key_spec& spec);
  bool hash(dom::element root, hash128& out);
  bool hash(const dom::document& doc, hash128& out);
  bool hash_path(const path& p, dom::element root, hash128& out);
  bool hash_value(dom::element v, hash128& out);

  template <class Member, class EncodeValue>
  void put_object(const std::vector<Member>& members, std::vector<uint64_t>& order, EncodeValue&& encode_value);
  void encode(dom::element v, size_t depth);
  void encode_tape(const uint64_t* tape, const uint8_t* strings, size_t i, size_t depth);
  bool encode_path(const path& p, dom::element root);  // false: no value
  void start();
  void reserve();  // room for one more value's worst case
  void spill();    // streams the buffer into stream_
  hash128 finish();
  void put_char(char c);
  void put_u64(uint64_t v);
  void tagged(char tag, uint64_t v);
  void put_bytes(char tag, std::string_view s);
  void put_string(std::string_view s);
  void put_int64(int64_t v);
  void put_uint64(uint64_t u);
  void put_double(double d);

  key_spec spec_;  // a copy: a hasher never depends on its caller keeping the spec
  std::unique_ptr<char[]> buf_;  // the canonical encoding, or its latest part
  char* w_ = nullptr;            // the write cursor in buf_
  bool streaming_ = false;       // earlier parts went to stream_
  std::unique_ptr<XXH3_state_t, stream_deleter> stream_;
  std::vector<char> norm_;    // normalised text (ASCII modes)
  std::string unorm_;         // normalised text (Unicode modes, which can lengthen it)
  normalization ascii_norm_;  // what spec_.norm does to ASCII text
  std::deque<level> levels_;  // one per depth (references stay valid as it grows)
  order_cache orders_;
};

key_hasher::impl::impl(const key_spec& spec)
    : spec_(spec), buf_(new char[buffer_bytes + max_value_bytes]), ascii_norm_(spec.norm.for_ascii()) {}

key_hasher::key_hasher(const key_spec& spec) : impl_(std::make_unique<impl>(spec)) {}
key_hasher::~key_hasher() = default;
key_hasher::key_hasher(key_hasher&&) noexcept = default;
key_hasher& key_hasher::operator=(key_hasher&&) noexcept = default;

bool key_hasher::hash(dom::element root, hash128& out) { return impl_->hash(root, out); }
bool key_hasher::hash(const dom::document& doc, hash128& out) { return impl_->hash(doc, out); }
bool key_hasher::hash_path(const path& p, dom::element root, hash128& out) { return impl_->hash_path(p, root, out); }
bool key_hasher::hash_value(dom::element v, hash128& out) { return impl_->hash_value(v, out); }

void key_hasher::impl::start() {
  w_ = buf_.get();
  streaming_ = false;
}

void key_hasher::impl::spill() {
  if (!stream_) stream_.reset(XXH3_createState());
  if (!stream_) throw std::bad_alloc();
  if (!streaming_) XXH3_128bits_reset(stream_.get());
  streaming_ = true;
  XXH3_128bits_update(stream_.get(), buf_.get(), size_t(w_ - buf_.get()));
  w_ = buf_.get();
}

inline void key_hasher::impl::reserve() {
  if (size_t(w_ - buf_.get()) > buffer_bytes) spill();
}

hash128 key_hasher::impl::finish() {
  if (!streaming_) return hash_bytes(std::string_view(buf_.get(), size_t(w_ - buf_.get())));
  spill();
  XXH128_hash_t h = XXH3_128bits_digest(stream_.get());
  return {h.low64, h.high64};
}

inline void key_hasher::impl::put_char(char c) { *w_++ = c; }

inline void key_hasher::impl::put_u64(uint64_t v) {
  std::memcpy(w_, &v, 8);
  w_ += 8;
}

inline void key_hasher::impl::tagged(char tag, uint64_t v) {
  put_char(tag);
  put_u64(v);
}

// A long string goes in as its own XXH3-128 instead of its bytes: hashing it
// once is cheaper than copying it here and hashing the copy (memmove was
// 13 % of `dedup`), and keys stay as collision-resistant as the hash.
inline void key_hasher::impl::put_bytes(char tag, std::string_view s) {
  reserve();
  put_u64(s.size());
  if (s.size() <= inline_max) {
    put_char(tag);
    copy_short(w_, s.data(), s.size());
    w_ += s.size();
    return;
  }
  hash128 h = hash_bytes(s);
  put_char(char(tag | 0x80));
  put_u64(h.lo);
  put_u64(h.hi);
}

inline void key_hasher::impl::put_string(std::string_view s) {
  if (!spec_.norm.any()) return put_bytes('s', s);
  if (spec_.norm.unicode() && !is_ascii(s)) {
    normalize_text(s, spec_.norm, unorm_);
    s = unorm_;
  } else {  // ASCII text, or ASCII modes: the 16-bytes-at-a-time path
    if (norm_.size() < s.size() + normalize_slack) norm_.resize(std::max(s.size() + normalize_slack, 2 * norm_.size()));  // never shrinks
    s = std::string_view(norm_.data(), normalize_text(s, ascii_norm_, norm_.data()));
  }
  put_bytes('s', s);
}

inline void key_hasher::impl::put_int64(int64_t v) { tagged('i', uint64_t(v)); }

inline void key_hasher::impl::put_uint64(uint64_t u) { tagged(u <= uint64_t(INT64_MAX) ? 'i' : 'u', u); }

// Numbers compare by value: an integral double is the integer.
inline void key_hasher::impl::put_double(double d) {
  constexpr double two63 = 9223372036854775808.0, two64 = 18446744073709551616.0;
  if (d == std::trunc(d) && d >= -two63 && d < two64) {
    if (d < two63) put_int64(int64_t(d));
    else tagged('u', uint64_t(d));
    return;
  }
  uint64_t bits;
  std::memcpy(&bits, &d, 8);
  tagged('d', bits);
}

// An object: its member count, then each key and value in key order. Both
// walks share it, so their encodings cannot drift apart.
template <class Member, class EncodeValue>
void key_hasher::impl::put_object(const std::vector<Member>& members, std::vector<uint64_t>& order, EncodeValue&& encode_value) {
  orders_.sort(members, order);
  tagged('{', members.size());
  for (size_t i = 0; i < members.size(); ++i) {
    const Member& m = members[order[i]];
    put_bytes('k', m.key);
    encode_value(m.value);
  }
}

void key_hasher::impl::encode(dom::element v, size_t depth) {
  reserve();
  switch (v.type()) {
    case dom::element_type::OBJECT: {
      // The scratch of this depth is reused record after record; deeper
      // levels use their own, and a deque never moves them.
      if (levels_.size() <= depth) levels_.resize(depth + 1);
      level& l = levels_[depth];
      l.members.clear();
      dom::object obj = v.get_object().value_unsafe();
      for (auto field : obj) l.members.push_back({field.key, field.value});
      put_object(l.members, l.order, [&](dom::element value) { encode(value, depth + 1); });
      break;
    }
    case dom::element_type::ARRAY: {
      dom::array a = v.get_array().value_unsafe();
      uint64_t n = a.size();
      if (n == tape::count_saturated) {  // simdjson's count saturates: count them
        n = 0;
        for ([[maybe_unused]] dom::element x : a) ++n;
      }
      tagged('[', n);
      for (dom::element x : a) encode(x, depth + 1);
      break;
    }
    case dom::element_type::STRING: put_string(v.get_string().value_unsafe()); break;
    case dom::element_type::INT64: put_int64(v.get_int64().value_unsafe()); break;
    case dom::element_type::UINT64: put_uint64(v.get_uint64().value_unsafe()); break;
    case dom::element_type::DOUBLE: put_double(v.get_double().value_unsafe()); break;
    case dom::element_type::BOOL: put_char(v.get_bool().value_unsafe() ? 't' : 'f'); break;
    case dom::element_type::NULL_VALUE: put_char('n'); break;
  }
}

// encode()'s encoding, read straight off the tape, without element objects.
void key_hasher::impl::encode_tape(const uint64_t* t, const uint8_t* strings, size_t i, size_t depth) {
  reserve();
  const uint64_t w = t[i];
  switch (tape::type(w)) {
    case '{': {
      if (levels_.size() <= depth) levels_.resize(depth + 1);
      level& l = levels_[depth];
      l.tape_members.clear();
      for (size_t j = i + 1, end = tape::after(w) - 1; j < end; j = tape::next(t, j + 1))
        l.tape_members.push_back({tape::string(strings, t[j]), j + 1});
      put_object(l.tape_members, l.order, [&](size_t value) { encode_tape(t, strings, value, depth + 1); });
      break;
    }
    case '[': {
      uint64_t n = tape::count(w);
      const size_t end = tape::after(w) - 1;
      if (n == tape::count_saturated) {
        n = 0;
        for (size_t j = i + 1; j < end; j = tape::next(t, j)) ++n;
      }
      tagged('[', n);
      for (size_t j = i + 1; j < end; j = tape::next(t, j)) encode_tape(t, strings, j, depth + 1);
      break;
    }
    case '"': put_string(tape::string(strings, w)); break;
    case 'l': put_int64(int64_t(t[i + 1])); break;
    case 'u': put_uint64(t[i + 1]); break;
    case 'd': {
      double d;
      std::memcpy(&d, &t[i + 1], 8);
      put_double(d);
      break;
    }
    case 't': put_char('t'); break;
    case 'f': put_char('f'); break;
    default: put_char('n'); break;
  }
}

bool key_hasher::impl::encode_path(const path& p, dom::element root) {
  bool any = false;
  p.visit(root, [&](dom::element e) {
    any = true;
    encode(e, 0);
  });
  return any;
}

bool key_hasher::impl::hash(dom::element root, hash128& out) {
  start();
  bool any = spec_.paths.empty();
  if (any) encode(root, 0);
  for (const path& p : spec_.paths) {
    reserve();
    put_char('|');  // one marker per path: (.a absent, .b "x") != (.a "x", .b absent)
    any = encode_path(p, root) || any;
  }
  if (!any) return false;
  out = finish();
  return true;
}

bool key_hasher::impl::hash(const dom::document& doc, hash128& out) {
  if (!spec_.paths.empty()) return hash(doc.root(), out);
  start();
  encode_tape(doc.tape.get(), doc.string_buf.get(), 1, 0);  // word 0 is the root marker
  out = finish();
  return true;
}

bool key_hasher::impl::hash_path(const path& p, dom::element root, hash128& out) {
  start();
  if (!encode_path(p, root)) return false;
  out = finish();
  return true;
}

bool key_hasher::impl::hash_value(dom::element v, hash128& out) {
  start();
  encode(v, 0);
  out = finish();
  return true;
}

}  // namespace jsift
