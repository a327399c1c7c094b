#include "jsift/io/units.hpp"

#include <cctype>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "jsift/error.hpp"

namespace jsift {

std::string with_commas(uint64_t n) {
  // Built forwards (string::insert trips GCC 12's -Wrestrict false positive).
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string plural(uint64_t n, std::string_view word) {
  return fmt::format("{} {}{}", with_commas(n), word, n == 1 ? "" : "s");
}

std::string fit(std::string_view s, size_t width) {
  size_t chars = 0, cut = s.size();
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;  // a continuation byte
    if (chars == width - 1 && cut == s.size()) cut = i;                // where the ellipsis would go
    if (++chars > width) return std::string(s.substr(0, cut)) + "\u2026";
  }
  return std::string(s);
}

std::string human_bytes(uint64_t n) {
  static constexpr const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  size_t u = 0;
  double v = double(n);
  while (v >= 1024 && u < 4) v /= 1024, ++u;
  if (u == 0) return fmt::format("{} B", n);
  if (v == double(uint64_t(v))) return fmt::format("{} {}", uint64_t(v), units[u]);
  return fmt::format("{:.1f} {}", v, units[u]);
}

double parse_number(std::string_view text, std::string_view field) {
  double v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || text.empty() || !std::isfinite(v))
    throw option_error(std::string(field), fmt::format("expected a finite number, got '{}'", text));
  return v;
}

uint64_t parse_size(std::string_view text, std::string_view field) {
  auto bad = [&] { return option_error(std::string(field), fmt::format("expected a size such as 64MiB, got '{}'", text)); };
  double v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  // from_chars also reads "nan" and "inf": a size is a finite number.
  if (ec != std::errc() || !std::isfinite(v) || v < 0) throw bad();
  std::string unit(p, text.data() + text.size());
  for (auto& c : unit) c = char(std::tolower(static_cast<unsigned char>(c)));
  double mult;
  if (unit.empty() || unit == "b") mult = 1;
  else if (unit == "k" || unit == "kb" || unit == "kib") mult = 1024.0;
  else if (unit == "m" || unit == "mb" || unit == "mib") mult = 1024.0 * 1024;
  else if (unit == "g" || unit == "gb" || unit == "gib") mult = 1024.0 * 1024 * 1024;
  else if (unit == "t" || unit == "tb" || unit == "tib") mult = 1024.0 * 1024 * 1024 * 1024;
  else throw option_error(std::string(field), fmt::format("unknown size unit in '{}' (use K, M, G or T)", text));
  double bytes = v * mult;
  if (bytes >= 9.2e18) throw bad();  // beyond what a uint64 (and any file) holds
  return uint64_t(std::llround(bytes));
}

}  // namespace jsift
