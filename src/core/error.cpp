#include "jsift/error.hpp"

namespace jsift {

std::string option_error::flag_name(std::string_view f) {
  while (!f.empty() && f.front() == '-') f.remove_prefix(1);
  std::string out = "--";
  for (char c : f) out += c == '_' ? '-' : c;
  return out;
}

option_error::option_error(std::string field_name, std::string what_is_wrong)
    : usage_error(flag_name(field_name) + ": " + what_is_wrong), field(std::move(field_name)), problem(std::move(what_is_wrong)) {
  while (!field.empty() && field.front() == '-') field.erase(field.begin());
  for (char& c : field)
    if (c == '-') c = '_';
}

}  // namespace jsift
