#include "jsift/config/gate_config.hpp"

#include <algorithm>
#include <set>

#include "table_reader.hpp"

namespace jsift {
namespace config {

void load_checks(const toml::table& root, const std::string& file, gate_config& cfg) {
  const toml::node* checks = root.get("check");
  if (!checks) throw usage_error(fmt::format("{}: no [[check]] tables", file));
  const toml::array* arr = checks->as_array();
  if (!arr || !arr->is_array_of_tables())
    throw usage_error(fmt::format("{}'check' must be an array of tables ([[check]])", place(file, checks)));
  std::set<std::string> names;
  for (const auto& node : *arr) {
    const toml::table& t = *node.as_table();
    const toml::node* type_node = t.get("type");
    if (!type_node || !type_node->is_string())
      throw usage_error(fmt::format("{}[[check]] needs a 'type' string (one of: {})", place(file, &t), check_type_list()));
    std::string type(*type_node->value<std::string_view>());
    std::string name = type;
    if (const toml::node* n = t.get("name")) {
      if (!n->is_string()) throw usage_error(fmt::format("{}'name' must be a string", place(file, n)));
      name = std::string(*n->value<std::string_view>());
    }
    table_reader r(t, file, fmt::format("check '{}'", name));
    const std::vector<const char*>* known = check_keys(type);
    if (!known) r.fail_at(type_node, fmt::format("unknown check type '{}' (one of: {})", type, check_type_list()));
    // Every key is checked before anything is read, so a typo is reported as
    // the unknown key it is rather than as the key it was meant to be.
    for (const auto& [k, v] : t) {
      std::string key(k.str());
      if (key == "type" || key == "name") continue;
      if (std::none_of(known->begin(), known->end(), [&](const char* x) { return key == x; })) {
        std::string list;
        for (const char* x : *known) list += fmt::format("{}{}", list.empty() ? "" : ", ", x);
        r.fail_at(&v, fmt::format("unknown key '{}' (a '{}' check takes: {})", key, type, list));
      }
    }
    std::unique_ptr<gate_check> c = r.located([&] { return make_check(type, r); });
    if (!names.insert(name).second)
      r.fail_at(t.get("name") ? t.get("name") : type_node, fmt::format("two checks are named '{}': give each a distinct 'name'", name));
    c->name = name;
    cfg.checks.push_back(std::move(c));
  }
}

}  // namespace config

gate_config load_gate_config(const std::string& file) {
  return load_gate_config_text(config::read_config(file), file);
}

gate_config load_gate_config_text(const std::string& text, const std::string& file) {
  gate_config cfg;
  cfg.path = file;
  cfg.text = text;
  toml::table root = config::parse_text(text, file);
  for (const auto& [k, v] : root) {
    std::string key(k.str());
    if (key != "check" && key != "name")
      throw usage_error(fmt::format("{}unknown top-level key '{}' (a gate file has 'name' and [[check]] tables)", config::place(file, &v), key));
  }
  if (const toml::node* n = root.get("name")) {
    if (!n->is_string()) throw usage_error(fmt::format("{}'name' must be a string", config::place(file, n)));
    cfg.name = std::string(*n->value<std::string_view>());
  }
  config::load_checks(root, file, cfg);
  return cfg;
}

}  // namespace jsift
