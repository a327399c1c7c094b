// short_copy.hpp (private to src/core/json) — copies of at most 48 bytes
// without a call, shared by the normaliser and the key encoder.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstring>

namespace jsift::detail {

// memcpy of at most 48 bytes with overlapping fixed-size moves: a
// memcpy of a variable size is a call, and it was 5 % of `dedup`.
template <size_t N>
inline void move_n(char* d, const char* s) {
  char tmp[N];
  std::memcpy(tmp, s, N);
  std::memcpy(d, tmp, N);
}
inline void copy_short(char* d, const char* s, size_t n) {
  assert(n <= 48);
  if (n >= 16) {
    move_n<16>(d, s);
    if (n > 32) move_n<16>(d + 16, s + 16);
    move_n<16>(d + n - 16, s + n - 16);
  } else if (n >= 8) {
    move_n<8>(d, s);
    move_n<8>(d + n - 8, s + n - 8);
  } else if (n >= 4) {
    move_n<4>(d, s);
    move_n<4>(d + n - 4, s + n - 4);
  } else if (n > 0) {
    d[0] = s[0];
    d[n / 2] = s[n / 2];
    d[n - 1] = s[n - 1];
  }
}

}  // namespace jsift::detail
