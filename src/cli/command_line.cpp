// The one CLI11 translation unit (CLI11 compiles slowly; keep it here).
#include "command_line.hpp"

#include <iostream>

#include <CLI/CLI.hpp>

namespace jsift::cli {
namespace {

constexpr const char* exit_codes_footer =
    "Exit codes: 0 ok, 1 gate failed, 2 usage error, 3 invalid data (--on-invalid fail), 4 I/O error, 130 interrupted.\n"
    "Run 'jsift COMMAND --help' for a command's options.";

void add_flag(CLI::App& app, flag& f) {
  if (f.on) {
    app.add_flag(f.names, *f.on, f.help);
    return;
  }
  CLI::callback_t set = [&f](const CLI::results_t& values) {
    for (const auto& v : values) f.set(v);
    return true;
  };
  CLI::Option* o = app.add_option(f.names, set, f.help);
  o->type_name(f.value_name);
  o->type_size(1);  // one string per value (a callback option has no type to say so)
  if (f.positional) {
    if (f.repeatable) o->expected(-1)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);  // -1: one or more, unbounded
    else o->expected(1);
    if (f.required_) o->required();
    return;
  }
  o->expected(1)->allow_extra_args(false);
  // A flag given twice: the last wins; repeatable flags keep every value.
  o->multi_option_policy(f.repeatable ? CLI::MultiOptionPolicy::TakeAll : CLI::MultiOptionPolicy::TakeLast);
  if (!f.default_text.empty()) o->default_str(f.default_text);
  if (f.required_) o->required();
}

}  // namespace

parsed_command parse_command_line(int argc, char** argv, std::vector<std::unique_ptr<command>>& table,
                                  std::vector<flag_list>& flags) {
  parsed_command out;
  CLI::App app{"jsift: fast, streaming, validating processor for JSONL datasets (LLM training data)", "jsift"};
  app.set_version_flag("-V,--version", std::string("jsift ") + JSIFT_VERSION);
  app.add_option("--generate", out.generate, "Print a man page or a shell completion script: man, complete-bash, complete-zsh, complete-fish")
      ->check(CLI::IsMember({"man", "complete-bash", "complete-zsh", "complete-fish"}));
  app.require_subcommand(0, 1);
  app.footer(exit_codes_footer);
  flags.clear();
  flags.resize(table.size());
  std::vector<CLI::App*> subs;
  for (size_t i = 0; i < table.size(); ++i) {
    command_info info = table[i]->info();
    table[i]->define(flags[i]);
    CLI::App* sub = app.add_subcommand(info.name, info.summary);
    for (flag& f : flags[i].all()) add_flag(*sub, f);
    if (!info.footer.empty()) sub->footer(info.footer);
    subs.push_back(sub);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e, std::cout, std::cerr);
    out.exit_now = rc == 0 ? 0 : 2;
    return out;
  }
  for (size_t i = 0; i < subs.size(); ++i)
    if (subs[i]->parsed()) out.cmd = table[i].get();
  if (!out.cmd && out.generate.empty()) {
    std::cerr << "jsift: give a command; 'jsift --help' lists them\n";
    out.exit_now = 2;
  }
  return out;
}

}  // namespace jsift::cli
