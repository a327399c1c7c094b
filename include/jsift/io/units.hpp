// jsift/io/units.hpp — sizes as people write and read them: "64MiB",
// "4M", "1.5KiB" in flags and config files; "64 MiB", "17 B" in messages.
// Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace jsift {

// "64 MiB", "1.5 KiB", "17 B".
std::string human_bytes(uint64_t n);

// 1234567 -> "1,234,567"
std::string with_commas(uint64_t n);

// "1 duplicate", "1,388 duplicates" (the word's plural adds an s).
std::string plural(uint64_t n, std::string_view word);

// `s` cut to at most `width` characters (UTF-8 code points), the last of
// them an ellipsis when it was longer: table cells that keep their column.
std::string fit(std::string_view s, size_t width);

// A finite decimal number ("0.25", "1e-3"): the one reader of every
// fractional value a flag or a list of shares gives (from_chars alone also
// takes "nan" and "inf"). Throws option_error naming `field`.
double parse_number(std::string_view text, std::string_view field);

// "64MiB", "4M", "1G", "1000", "1.5KiB": bytes (K/M/G/T are powers of 1024).
// Throws option_error naming `field` (error.hpp).
uint64_t parse_size(std::string_view text, std::string_view field);

}  // namespace jsift
