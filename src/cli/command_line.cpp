// The one CLI11 translation unit (CLI11 compiles slowly; keep it here).
#include "command_line.hpp"

#include "jsift/error.hpp"

#include <algorithm>
#include <iostream>

#include <fmt/format.h>

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

// Edit distance, for "did you mean".
size_t distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

// " (did you mean 'x'?)" for the closest of `names`, when it is close.
std::string suggestion(std::string_view word, const std::vector<std::string>& names) {
  std::string best;
  size_t best_d = SIZE_MAX;
  for (const auto& n : names) {
    size_t d = distance(word, n);
    if (n.rfind(word, 0) == 0 && word.size() >= 3) d = std::min<size_t>(d, 1);  // a prefix of it
    if (d < best_d) best_d = d, best = n;
  }
  return best_d <= std::max<size_t>(2, word.size() / 3) ? fmt::format(" (did you mean '{}'?)", best) : std::string();
}

// What CLI11 would say in its own words about an unknown command or option,
// said in ours, with a suggestion: "jsift: unknown command 'stat' (did you
// mean 'stats'?)". Values of options are skipped, "--" ends the options.
void check_words(int argc, char** argv, const std::vector<std::unique_ptr<command>>& table, std::vector<flag_list>& flags) {
  std::vector<std::string> commands;
  for (const auto& c : table) commands.push_back(c->info().name);
  int i = 1;
  while (i < argc && argv[i][0] == '-' && argv[i][1] != '\0') {  // options before the command
    if (std::string_view(argv[i]) == "--generate") ++i;
    ++i;
  }
  if (i >= argc) return;
  const std::string word = argv[i];
  auto it = std::find(commands.begin(), commands.end(), word);
  if (it == commands.end())
    throw usage_error(fmt::format("unknown command '{}'{}; 'jsift --help' lists them", word, suggestion(word, commands)));
  const flag_list& fl = flags[size_t(it - commands.begin())];
  std::vector<std::string> names{"--help", "-h"};
  std::vector<std::string> takes_value;
  for (const flag& f : fl.all()) {
    if (f.positional) continue;
    size_t start = 0;
    for (;;) {
      size_t comma = f.names.find(',', start);
      std::string n = f.names.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      names.push_back(n);
      if (!f.on) takes_value.push_back(n);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  auto known = [&](const std::string& n) { return std::find(names.begin(), names.end(), n) != names.end(); };
  auto valued = [&](const std::string& n) { return std::find(takes_value.begin(), takes_value.end(), n) != takes_value.end(); };
  for (++i; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--") return;
    if (a.size() < 2 || a[0] != '-') continue;  // a value, an input, or "-" (stdin)
    std::string name = a.substr(0, a.find('='));
    if (a[1] != '-' && a.size() > 2 && valued(a.substr(0, 2))) continue;  // -j4
    if (!known(name)) {
      std::vector<std::string> longs;
      for (auto& n : names)
        if (n.rfind("--", 0) == 0) longs.push_back(n);
      throw usage_error(fmt::format("{}: unknown option '{}'{}; 'jsift {} --help' lists them", word, name, suggestion(name, longs), word));
    }
    if (valued(name) && a.find('=') == std::string::npos) ++i;  // its value
  }
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
  check_words(argc, argv, table, flags);  // unknown words, in our words
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
