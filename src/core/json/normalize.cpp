#include "jsift/json/normalize.hpp"

#include <algorithm>
#include <emmintrin.h>
#include <stdexcept>
#include <vector>

#include <fmt/format.h>
#include <utf8proc.h>

#include "jsift/error.hpp"
#include "short_copy.hpp"

namespace jsift {
using detail::copy_short;

normalization normalization::parse(std::string_view text) {
  normalization n;
  if (text == "none") return n;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string_view part = text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    if (part == "nfkc") n.nfkc = true;
    else if (part == "fold") n.fold = true;
    else if (part == "ws") n.ws = true;
    else if (part == "case") n.case_ = true;
    else if (part == "punct") n.punct = true;
    else throw option_error("normalize", fmt::format("expected none or a list of nfkc, fold, punct, ws, case; got '{}'", text));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return n;
}

std::string normalization::text() const {
  if (!any()) return "none";
  std::string out;
  for (auto [on, name] : {std::pair{nfkc, "nfkc"}, {fold, "fold"}, {punct, "punct"}, {ws, "ws"}, {case_, "case"}}) {
    if (!on) continue;
    if (!out.empty()) out += ',';
    out += name;
  }
  return out;
}

namespace {
bool ascii_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool ascii_punct(unsigned char c) { return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126); }

// The index of the first byte >= 0x80 at or after i (s.size() if none).
size_t next_non_ascii(std::string_view s, size_t i) {
#ifdef __SSE2__
  for (; i + 16 <= s.size(); i += 16)
    if (unsigned m = unsigned(_mm_movemask_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i)))))
      return i + unsigned(__builtin_ctz(m));
#endif
  for (; i < s.size(); ++i)
    if (static_cast<unsigned char>(s[i]) >= 0x80) return i;
  return s.size();
}


// NFKC and/or case folding of one span through utf8proc: decompose
// (growing the buffer to the size it asks for), compose, re-encode in
// place. Text that is not valid UTF-8 (JSON strings always are) is kept.
void unicode_span(std::string_view in, utf8proc_option_t opt, std::string& out) {
  thread_local std::vector<utf8proc_int32_t> cps;
  if (cps.size() < in.size() + 1) cps.resize(in.size() + 1);
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(in.data());
  auto len = utf8proc_decompose_custom(bytes, utf8proc_ssize_t(in.size()), cps.data(), utf8proc_ssize_t(cps.size()), opt, nullptr, nullptr);
  if (len > utf8proc_ssize_t(cps.size())) {
    cps.resize(size_t(len));
    len = utf8proc_decompose_custom(bytes, utf8proc_ssize_t(in.size()), cps.data(), len, opt, nullptr, nullptr);
  }
  if (len >= 0) len = utf8proc_normalize_utf32(cps.data(), len, opt);
  if (len >= 0) len = utf8proc_reencode(cps.data(), len, opt);  // UTF-8 bytes over the code points' own room
  if (len < 0) out.append(in);
  else out.append(reinterpret_cast<const char*>(cps.data()), size_t(len));
}

// The Unicode modes, with only the non-ASCII runs going through utf8proc
// (all of a string through it made `dedup --normalize fold` 5x slower on
// mostly-English data). Cutting there is exact: NFKC and folding leave
// ASCII characters as they are, every ASCII character is a starter that
// nothing composes onto, and folding is per character. The one ASCII
// character before a run goes with it: a combining mark there composes
// onto it ("e" + U+0301 is "é"). ASCII stays as it is here; `fold` then
// lowercases A-Z with the ASCII rules (folded text holds no other A-Z).
void unicode_normalize(std::string_view in, const normalization& n, std::string& out) {
  auto opt = utf8proc_option_t(UTF8PROC_STABLE | UTF8PROC_COMPOSE | (n.nfkc ? UTF8PROC_COMPAT : 0) | (n.fold ? UTF8PROC_CASEFOLD : 0));
  out.clear();
  auto high = [&](size_t i) { return static_cast<unsigned char>(in[i]) >= 0x80; };
  size_t i = 0;
  while (i < in.size()) {
    const size_t run = next_non_ascii(in, i);
    if (run == in.size()) {
      out.append(in.substr(i));
      break;
    }
    const size_t from = run > i ? run - 1 : run;
    out.append(in.substr(i, from - i));
    size_t to = run;
    while (to < in.size() && high(to)) ++to;
    unicode_span(in.substr(from, to - from), opt, out);
    i = to;
  }
}

}  // namespace

std::string unicode_version() { return utf8proc_unicode_version(); }

bool is_ascii(std::string_view s) { return next_non_ascii(s, 0) == s.size(); }

normalization normalization::for_ascii() const {
  normalization a = *this;
  a.nfkc = a.fold = false;
  a.case_ = case_ || fold;
  return a;
}

void normalize_text(std::string_view in, const normalization& n, std::string& out) {
  const normalization ascii = n.for_ascii();
  if (n.unicode() && !is_ascii(in)) {
    thread_local std::string u;
    unicode_normalize(in, n, u);
    out.resize(u.size() + normalize_slack);
    out.resize(normalize_text(u, ascii, out.data()));
    return;
  }
  out.resize(in.size() + normalize_slack);
  out.resize(normalize_text(in, ascii, out.data()));
}

size_t normalize_text(std::string_view in, const normalization& n, char* o) {
  if (n.unicode()) throw std::logic_error("normalize_text: Unicode modes need the std::string overload");
  // Written through a pointer: appending a character at a time made
  // `dedup --normalize ws,case` twice as slow.
  size_t len = 0;
  bool pending_space = false;  // whitespace was dropped; a space goes before the next character
  auto step = [&](unsigned char c) {
    if (n.punct && ascii_punct(c)) return;
    if (n.ws && ascii_space(c)) {
      pending_space = len > 0;
      return;
    }
    if (pending_space) {
      o[len++] = ' ';
      pending_space = false;
    }
    if (n.case_ && unsigned(c - 'A') < 26u) c = static_cast<unsigned char>(c + 32);
    o[len++] = static_cast<char>(c);
  };
  size_t i = 0;
#ifdef __SSE2__
  // 16 bytes at a time up to the next byte that needs a decision (a
  // punctuation mark to drop, whitespace other than a single space that
  // stays), which goes through step(); case folds in-register. A byte at a
  // time, normalising ran at 0.7 GB/s and doubled `dedup --normalize`.
  auto in_range = [](__m128i c, char lo, char hi) {  // signed compares: bytes >= 0x80 are never in an ASCII range
    return _mm_and_si128(_mm_cmpgt_epi8(c, _mm_set1_epi8(char(lo - 1))), _mm_cmplt_epi8(c, _mm_set1_epi8(char(hi + 1))));
  };
  while (i < in.size()) {
    // The last bytes are copied to a block first: never read past the input.
    const size_t left = in.size() - i;
    const unsigned valid = left >= 16 ? 0xFFFF : (1u << left) - 1;
    alignas(16) char tail[16] = {};
    if (left < 16) copy_short(tail, in.data() + i, left);
    __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(left >= 16 ? in.data() + i : tail));
    unsigned special = 0, spaces = 0;
    if (n.punct) {
      __m128i p = _mm_or_si128(_mm_or_si128(in_range(c, 33, 47), in_range(c, 58, 64)),
                               _mm_or_si128(in_range(c, 91, 96), in_range(c, 123, 126)));
      special = unsigned(_mm_movemask_epi8(p));
    }
    if (n.ws) {
      // A space stays unless it follows whitespace or starts the text.
      spaces = unsigned(_mm_movemask_epi8(_mm_cmpeq_epi8(c, _mm_set1_epi8(' '))));
      unsigned after_space = (spaces << 1) | unsigned(pending_space || len == 0);
      special |= unsigned(_mm_movemask_epi8(in_range(c, '\t', '\r'))) | (spaces & after_space);
    }
    special &= valid;
    const unsigned stop = special ? unsigned(__builtin_ctz(special)) : 16;
    const unsigned run = special ? stop : unsigned(std::min<size_t>(left, 16));  // bytes that copy as they are
    if (run > 0) {
      if (n.case_) c = _mm_add_epi8(c, _mm_and_si128(in_range(c, 'A', 'Z'), _mm_set1_epi8(32)));
      if (pending_space) {  // the run starts with a character (a space there would be special)
        o[len++] = ' ';
        pending_space = false;
      }
      _mm_storeu_si128(reinterpret_cast<__m128i*>(o + len), c);  // len <= i: in bounds with the slack
      len += run;
      if ((spaces >> (run - 1)) & 1) {  // a space ends the run: it waits for the next character
        --len;
        pending_space = true;
      }
      i += run;
    }
    if (special) step(static_cast<unsigned char>(in[i++]));  // the byte at `stop`
  }
#endif
  for (; i < in.size(); ++i) step(static_cast<unsigned char>(in[i]));
  return len;
}

}  // namespace jsift
