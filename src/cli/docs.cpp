// The man page and shell completions, written from the command table.
#include "docs.hpp"

#include <fmt/format.h>

#include "jsift/io/sys.hpp"

namespace jsift::cli {
namespace {

constexpr const char* program_summary = "fast, streaming, validating processor for JSONL datasets (LLM training data)";
constexpr const char* generate_kinds = "man complete-bash complete-zsh complete-fish";

// Splits "-o,--output" into its names.
std::vector<std::string> names_of(const flag& f) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t comma = f.names.find(',', start);
    out.push_back(f.names.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

std::string joined(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? std::string(sep) : std::string()) + v[i];
  return out;
}

// ------------------------------------------------------------------ man(7)

// Text for a roff line: backslashes escaped, a leading '.' or '\'' defused.
std::string roff(std::string_view text) {
  std::string out;
  bool line_start = true;
  for (char c : text) {
    if (line_start && (c == '.' || c == '\'')) out += "\\&";
    if (c == '\\') out += "\\e";
    else if (c == '-') out += "\\-";
    else out += c;
    line_start = c == '\n';
  }
  return out;
}

std::string man_flag(const flag& f) {
  std::string head;
  if (f.positional) {
    head = fmt::format("\\fI{}\\fR{}", roff(f.value_name), f.repeatable ? "..." : "");
  } else {
    std::vector<std::string> parts;
    for (const auto& n : names_of(f)) parts.push_back("\\fB" + roff(n) + "\\fR");
    head = joined(parts, ", ");
    if (!f.value_name.empty()) head += " \\fI" + roff(f.value_name) + "\\fR";
  }
  std::string body = roff(f.help);
  if (!f.choices.empty()) body += roff(fmt::format(" (one of: {})", joined(f.choices, ", ")));
  if (!f.default_text.empty()) body += roff(fmt::format(" [default: {}]", f.default_text));
  if (f.repeatable && !f.positional) body += " (repeatable)";
  if (f.required_) body += " (required)";
  return fmt::format(".TP\n{}\n{}\n", head, body);
}

// ------------------------------------------------------------------ shells

// A description inside a zsh _arguments spec: [, ] and : are syntax there.
std::string zsh_desc(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '[' || c == ']' || c == ':' || c == '\\') out += '\\';
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out;
}

// A description in fish single quotes.
std::string fish_desc(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string first_line(const std::string& help) {
  size_t dot = help.find(" (");
  std::string s = help.substr(0, std::min(dot, help.find('\n')));
  return s.size() > 90 ? s.substr(0, 87) + "..." : s;
}

}  // namespace

std::string man_page(const std::vector<std::unique_ptr<command>>& table, const std::vector<flag_list>& flags) {
  std::string o;
  o += fmt::format(".TH JSIFT 1 \"\" \"jsift {}\" \"User Commands\"\n", JSIFT_VERSION);
  o += fmt::format(".SH NAME\njsift \\- {}\n", roff(program_summary));
  o += ".SH SYNOPSIS\n.B jsift\n.I COMMAND\n[\\fIOPTIONS\\fR] [\\fIINPUT\\fR...]\n.br\n.B jsift\n\\fB\\-\\-generate\\fR \\fIKIND\\fR\n";
  o += ".SH DESCRIPTION\n";
  o += roff("jsift profiles, validates, filters, deduplicates, rebalances, splits and packages JSONL datasets in one "
            "streaming, multi-threaded pass over memory-mapped files or pipes. Every input line gets exactly one "
            "disposition (kept, filtered:<predicate>, duplicate, sampled_out, invalid:<reason>, blank), kept records are "
            "written byte-for-byte in input order, and output never depends on the number of threads.\n");
  o += ".PP\n" + roff("INPUT is a file (.jsonl, or zstd/gzip content detected by magic bytes), a directory (its *.jsonl* "
                      "files, recursively, sorted by path) or - for stdin (the default). Several inputs are one stream, "
                      "in the order given.\n");
  o += ".SH GLOBAL OPTIONS\n";
  o += ".TP\n\\fB\\-h\\fR, \\fB\\-\\-help\\fR\nShow help (also after a command).\n";
  o += ".TP\n\\fB\\-V\\fR, \\fB\\-\\-version\\fR\nShow the version.\n";
  o += fmt::format(".TP\n\\fB\\-\\-generate\\fR \\fIKIND\\fR\n{}\n",
                   roff(fmt::format("Print a man page or a shell completion script: {}.", generate_kinds)));
  o += ".SH COMMANDS\n";
  for (size_t i = 0; i < table.size(); ++i) {
    command_info info = table[i]->info();
    o += fmt::format(".SS \"jsift {}\"\n{}\n", info.name, roff(info.summary));
    for (const flag& f : flags[i].all()) o += man_flag(f);
    if (!info.footer.empty()) o += ".PP\n" + roff(info.footer) + "\n";
  }
  o += ".SH EXIT STATUS\n";
  o += roff("0 success; 1 a gate check failed; 2 usage or configuration error; 3 invalid data under --on-invalid fail "
            "(or a manifest mismatch for verify); 4 I/O error (cannot read or write, disk full, --max-memory exceeded); "
            "130 interrupted (SIGINT or SIGTERM). A closed stdout (| head) is a normal end: exit 0.\n");
  o += ".SH SEE ALSO\n" + roff("zstd(1), jq(1). The README of the jsift sources documents every command, the report "
                               "schemas and the gate's check types.\n");
  return o;
}

std::string bash_completion(const std::vector<std::unique_ptr<command>>& table, const std::vector<flag_list>& flags) {
  std::vector<std::string> names;
  for (const auto& c : table) names.push_back(c->info().name);
  std::string o = "# bash completion for jsift (generated by: jsift --generate complete-bash)\n";
  o += "_jsift() {\n";
  o += "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\" cmd=\"\" i\n";
  o += "  for ((i = 1; i < COMP_CWORD; i++)); do\n";
  o += fmt::format("    case \"${{COMP_WORDS[i]}}\" in\n      {}) cmd=\"${{COMP_WORDS[i]}}\"; break ;;\n    esac\n  done\n",
                   joined(names, "|"));
  o += "  if [[ -z \"$cmd\" ]]; then\n";
  o += fmt::format("    if [[ \"$prev\" == --generate ]]; then\n      mapfile -t COMPREPLY < <(compgen -W '{}' -- \"$cur\")\n      return\n    fi\n",
                   generate_kinds);
  o += fmt::format("    mapfile -t COMPREPLY < <(compgen -W '{} --help --version --generate' -- \"$cur\")\n    return\n  fi\n",
                   joined(names, " "));
  o += "  case \"$cmd\" in\n";
  for (size_t i = 0; i < table.size(); ++i) {
    o += fmt::format("    {})\n      case \"$prev\" in\n", table[i]->info().name);
    std::vector<std::string> all{"--help"};
    std::string inputs = "files";
    for (const flag& f : flags[i].all()) {
      if (f.positional) {
        if (f.kind == value_kind::dir) inputs = "dirs";
        continue;
      }
      for (const auto& n : names_of(f)) all.push_back(n);
      if (f.on) continue;
      std::string action;
      if (!f.choices.empty()) action = fmt::format("mapfile -t COMPREPLY < <(compgen -W '{}' -- \"$cur\")", joined(f.choices, " "));
      else if (f.kind == value_kind::file) action = "mapfile -t COMPREPLY < <(compgen -f -- \"$cur\")";
      else if (f.kind == value_kind::dir) action = "mapfile -t COMPREPLY < <(compgen -d -- \"$cur\")";
      else action = "COMPREPLY=()";
      o += fmt::format("        {}) {}; return ;;\n", joined(names_of(f), "|"), action);
    }
    o += "      esac\n";
    o += fmt::format("      if [[ \"$cur\" == -* ]]; then\n        mapfile -t COMPREPLY < <(compgen -W '{}' -- \"$cur\")\n",
                     joined(all, " "));
    o += fmt::format("      else\n        mapfile -t COMPREPLY < <(compgen {} -- \"$cur\")\n      fi\n      ;;\n",
                     inputs == "dirs" ? "-d" : "-f");
  }
  o += "  esac\n}\ncomplete -o filenames -F _jsift jsift\n";
  return o;
}

std::string zsh_completion(const std::vector<std::unique_ptr<command>>& table, const std::vector<flag_list>& flags) {
  std::string o = "#compdef jsift\n# zsh completion for jsift (generated by: jsift --generate complete-zsh)\n\n";
  o += "_jsift() {\n  local curcontext=\"$curcontext\" state line\n  local -a commands\n  commands=(\n";
  for (const auto& c : table) {
    command_info info = c->info();
    o += fmt::format("    '{}:{}'\n", info.name, zsh_desc(info.summary));
  }
  o += "  )\n";
  o += "  _arguments -C \\\n";
  o += "    '(- *)'{-h,--help}'[Show help]' \\\n";
  o += "    '(- *)'{-V,--version}'[Show the version]' \\\n";
  o += fmt::format("    '--generate[Print a man page or a shell completion script]:KIND:({})' \\\n", generate_kinds);
  o += "    '1: :->command' \\\n    '*:: :->args' && return\n";
  o += "  case $state in\n    command) _describe -t commands 'jsift command' commands ;;\n    args)\n      case $words[1] in\n";
  for (size_t i = 0; i < table.size(); ++i) {
    o += fmt::format("        {})\n          _arguments \\\n            '(- *)'{{-h,--help}}'[Show help]'", table[i]->info().name);
    for (const flag& f : flags[i].all()) {
      std::string action;
      if (!f.choices.empty()) action = fmt::format("({})", joined(f.choices, " "));
      else if (f.kind == value_kind::file) action = "_files";
      else if (f.kind == value_kind::dir) action = "_files -/";
      else action = " ";
      if (f.positional) {
        o += fmt::format(" \\\n            '{}:{}:{}'", f.repeatable ? "*" : "1", f.value_name, action);
        continue;
      }
      std::vector<std::string> ns = names_of(f);
      std::string desc = zsh_desc(first_line(f.help));
      std::string value = f.on ? std::string() : fmt::format(":{}:{}", zsh_desc(f.value_name), action);
      std::string star = f.repeatable ? "*" : "";
      if (ns.size() == 1) {
        o += fmt::format(" \\\n            '{}{}[{}]{}'", star, ns[0], desc, value);
      } else {
        std::string excl = f.repeatable ? "" : fmt::format("({})", joined(ns, " "));
        o += fmt::format(" \\\n            '{}{}'{{{}}}'[{}]{}'", star, excl, joined(ns, ","), desc, value);
      }
    }
    o += "\n          ;;\n";
  }
  o += "      esac\n      ;;\n  esac\n}\n\n_jsift \"$@\"\n";
  return o;
}

std::string fish_completion(const std::vector<std::unique_ptr<command>>& table, const std::vector<flag_list>& flags) {
  std::string o = "# fish completion for jsift (generated by: jsift --generate complete-fish)\n";
  o += "complete -c jsift -f\n";
  o += "complete -c jsift -n __fish_use_subcommand -s h -l help -d 'Show help'\n";
  o += "complete -c jsift -n __fish_use_subcommand -s V -l version -d 'Show the version'\n";
  o += fmt::format("complete -c jsift -n __fish_use_subcommand -l generate -x -a '{}' -d 'Print a man page or a completion script'\n",
                   generate_kinds);
  for (const auto& c : table) {
    command_info info = c->info();
    o += fmt::format("complete -c jsift -n __fish_use_subcommand -a {} -d '{}'\n", info.name, fish_desc(info.summary));
  }
  for (size_t i = 0; i < table.size(); ++i) {
    const std::string when = fmt::format("-n '__fish_seen_subcommand_from {}'", table[i]->info().name);
    o += fmt::format("complete -c jsift {} -s h -l help -d 'Show help'\n", when);
    for (const flag& f : flags[i].all()) {
      if (f.positional) {
        o += fmt::format("complete -c jsift {} {}\n", when, f.kind == value_kind::dir ? "-x -a '(__fish_complete_directories)'" : "-F");
        continue;
      }
      std::string opt;
      for (const auto& n : names_of(f)) opt += n.rfind("--", 0) == 0 ? " -l " + n.substr(2) : " -s " + n.substr(1);
      std::string value;
      if (f.on) value = "";
      else if (!f.choices.empty()) value = fmt::format(" -x -a '{}'", joined(f.choices, " "));
      else if (f.kind == value_kind::file) value = " -r -F";
      else if (f.kind == value_kind::dir) value = " -x -a '(__fish_complete_directories)'";
      else value = " -x";
      o += fmt::format("complete -c jsift {}{}{} -d '{}'\n", when, opt, value, fish_desc(first_line(f.help)));
    }
  }
  return o;
}

int print_generated(const std::string& kind, const std::vector<std::unique_ptr<command>>& table, const std::vector<flag_list>& flags) {
  std::string text;
  if (kind == "man") text = man_page(table, flags);
  else if (kind == "complete-bash") text = bash_completion(table, flags);
  else if (kind == "complete-zsh") text = zsh_completion(table, flags);
  else if (kind == "complete-fish") text = fish_completion(table, flags);
  else return 2;
  sys::write_all(1, text.data(), text.size(), "to stdout");
  return 0;
}

}  // namespace jsift::cli
