#include "jsift/error.hpp"

namespace jsift {
namespace {
template <class F>
std::string render(std::string_view text, F&& name) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    size_t close = text[i] == '`' ? text.find('`', i + 1) : std::string_view::npos;
    if (close == std::string_view::npos) {
      out += text[i];
      continue;
    }
    out += name(text.substr(i + 1, close - i - 1));
    i = close;
  }
  return out;
}
}  // namespace

std::string option_error::flag_name(std::string_view f) {
  while (!f.empty() && f.front() == '-') f.remove_prefix(1);
  std::string out = "--";
  for (char c : f) out += c == '_' ? '-' : c;
  return out;
}

std::string option_error::as_flags(std::string_view problem) { return render(problem, flag_name); }

std::string option_error::as_keys(std::string_view problem) {
  return render(problem, [](std::string_view n) { return std::string(n); });
}

option_error::option_error(std::string field_name, std::string what_is_wrong)
    : usage_error(field_name.empty() ? as_flags(what_is_wrong) : flag_name(field_name) + ": " + as_flags(what_is_wrong)),
      field(std::move(field_name)),
      problem(std::move(what_is_wrong)) {
  while (!field.empty() && field.front() == '-') field.erase(field.begin());
  for (char& c : field)
    if (c == '-') c = '_';
}

}  // namespace jsift
