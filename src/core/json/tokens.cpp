#include "jsift/json/tokens.hpp"

#include <fmt/format.h>
#include <utf8proc.h>
#include <xxhash.h>

#include "jsift/error.hpp"

namespace jsift {

token_mode parse_token_mode(std::string_view text, std::string_view flag) {
  if (text == "words") return token_mode::words;
  if (text == "whitespace") return token_mode::whitespace;
  throw option_error(std::string(flag), fmt::format("expected words or whitespace, got '{}'", text));
}

std::string_view token_mode_name(token_mode m) { return m == token_mode::words ? "words" : "whitespace"; }

uint64_t ngram_hash(const uint64_t* tokens, size_t n) noexcept {
  return n == 1 ? tokens[0] : XXH3_64bits_withSeed(tokens, n * sizeof(uint64_t), n);
}

namespace {

// A code point that is a token by itself: CJK ideographs, kana, Hangul syllables.
bool single_token(utf8proc_int32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2EBEF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x3040 && c <= 0x30FF) || (c >= 0x31F0 && c <= 0x31FF) ||
         (c >= 0xFF66 && c <= 0xFF9F) || (c >= 0xAC00 && c <= 0xD7AF);
}

bool is_mark(utf8proc_int32_t c) {
  const auto cat = utf8proc_category(c);
  return cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_MC || cat == UTF8PROC_CATEGORY_ME;
}

bool word_category(utf8proc_int32_t c) {
  switch (utf8proc_category(c)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO: return true;
    default: return false;
  }
}

struct token_sink {
  std::vector<uint64_t>& hashes;
  std::string* opening;
  size_t* opening_count;
  size_t opening_tokens;
  size_t n = 0;
  void add(std::string_view token) {
    hashes.push_back(XXH3_64bits(token.data(), token.size()));
    ++n;
    if (opening && *opening_count < opening_tokens) {
      if (*opening_count) *opening += ' ';
      *opening += token;
      ++*opening_count;
    }
  }
};

// Calls add(word) for each word of `text`, in order (the words mode of
// tokens.hpp): runs of letters, marks and digits, lowercased; each CJK
// ideograph, kana and Hangul syllable alone.
template <class Add>
void each_word(std::string_view text, Add&& add) {
  thread_local std::string word;
  word.clear();
  auto flush = [&] {
    if (!word.empty()) add(std::string_view(word));
    word.clear();
  };
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  for (size_t i = 0; i < text.size();) {
    const unsigned char b = bytes[i];
    if (b < 0x80) {  // ASCII: letters and digits, lowercased
      if ((b >= 'a' && b <= 'z') || (b >= '0' && b <= '9')) word += char(b);
      else if (b >= 'A' && b <= 'Z') word += char(b | 0x20);
      else flush();
      ++i;
      continue;
    }
    utf8proc_int32_t c = -1;
    const utf8proc_ssize_t len = utf8proc_iterate(bytes + i, utf8proc_ssize_t(text.size() - i), &c);
    if (len <= 0) {  // not UTF-8 (records are validated: only a cut string could): a separator
      flush();
      ++i;
      continue;
    }
    i += size_t(len);
    if (single_token(c)) {
      flush();
      word.assign(text.substr(i - size_t(len), size_t(len)));
      flush();
    } else if (is_mark(c) && word.empty()) {
      // A mark belongs to the letter before it; with none (a variation
      // selector after an emoji, say) it is ignored, not a word.
    } else if (word_category(c)) {
      utf8proc_uint8_t out[4];
      const utf8proc_ssize_t m = utf8proc_encode_char(utf8proc_tolower(c), out);
      word.append(reinterpret_cast<const char*>(out), size_t(m));
    } else {
      flush();
    }
  }
  flush();
}

}  // namespace

size_t tokenize(std::string_view text, token_mode mode, std::vector<uint64_t>& hashes, std::string* opening, size_t* opening_count,
                size_t opening_tokens) {
  size_t none = 0;
  token_sink sink{hashes, opening, opening_count ? opening_count : &none, opening_tokens};
  if (mode == token_mode::whitespace) {
    for (size_t at = 0;;) {
      const size_t sp = text.find(' ', at);
      sink.add(text.substr(at, sp == std::string_view::npos ? std::string_view::npos : sp - at));
      if (sp == std::string_view::npos) break;
      at = sp + 1;
    }
    return sink.n;
  }
  each_word(text, [&](std::string_view w) { sink.add(w); });
  return sink.n;
}

size_t split_words(std::string_view text, bool digits_to_zero, std::string& joined, std::vector<uint32_t>& ends) {
  joined.clear();
  ends.clear();
  each_word(text, [&](std::string_view w) {
    if (!joined.empty()) joined += ' ';
    const size_t at = joined.size();
    joined += w;
    if (digits_to_zero)
      for (size_t i = at; i < joined.size(); ++i)
        if (joined[i] >= '1' && joined[i] <= '9') joined[i] = '0';
    ends.push_back(uint32_t(joined.size()));
  });
  return ends.size();
}

size_t split_on_whitespace_runs(std::string_view text, std::vector<uint64_t>& hashes) {
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  size_t n = 0, start = 0;
  bool in_piece = false;
  auto end_piece = [&](size_t at) {
    if (in_piece) hashes.push_back(XXH3_64bits(text.data() + start, at - start)), ++n;
    in_piece = false;
  };
  for (size_t i = 0; i < text.size();) {
    const unsigned char b = bytes[i];
    size_t len = 1;
    bool space;
    if (b < 0x80) {
      space = b == ' ' || (b >= 9 && b <= 13) || (b >= 0x1c && b <= 0x1f);
    } else {
      utf8proc_int32_t c = -1;
      const utf8proc_ssize_t m = utf8proc_iterate(bytes + i, utf8proc_ssize_t(text.size() - i), &c);
      len = m > 0 ? size_t(m) : 1;
      space = c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
              c == 0x205F || c == 0x3000;
    }
    if (space) {
      end_piece(i);
    } else if (!in_piece) {
      in_piece = true;
      start = i;
    }
    i += len;
  }
  end_piece(text.size());
  return n;
}

}  // namespace jsift
