// jsift/config/gate_config.hpp — reads a gate file (`jsift gate --config`):
// a `name` and [[check]] tables, each built into a check
// (stages/gate_checks.hpp). Every mistake (TOML syntax, an unknown type or
// key, a wrong type of value, a missing key, a bad path or regex, two checks
// with one name) is a usage_error naming FILE:LINE:COLUMN, before any data is
// read. Stateless.
#pragma once

#include <string>

#include "jsift/stages/gate_checks.hpp"

namespace jsift {

gate_config load_gate_config(const std::string& path);
// The same from the file's text (as a partial keeps it); `path` names it in messages.
gate_config load_gate_config_text(const std::string& text, const std::string& path);

}  // namespace jsift
