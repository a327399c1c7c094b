#include "jsift/json/normalize.hpp"

#include <algorithm>
#include <emmintrin.h>

#include <fmt/format.h>

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
    if (part == "ws") n.ws = true;
    else if (part == "case") n.case_ = true;
    else if (part == "punct") n.punct = true;
    else throw option_error("normalize", fmt::format("expected none or a list of ws, case, punct; got '{}'", text));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return n;
}

std::string normalization::text() const {
  if (!any()) return "none";
  std::string out;
  for (auto [on, name] : {std::pair{punct, "punct"}, {ws, "ws"}, {case_, "case"}}) {
    if (!on) continue;
    if (!out.empty()) out += ',';
    out += name;
  }
  return out;
}

namespace {
bool ascii_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool ascii_punct(unsigned char c) { return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126); }
}  // namespace


void normalize_text(std::string_view in, const normalization& n, std::string& out) {
  out.resize(in.size() + normalize_slack);
  out.resize(normalize_text(in, n, out.data()));
}

size_t normalize_text(std::string_view in, const normalization& n, char* o) {
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
