// jsift's entry point: argv -> the command table -> run() -> exit code.
// Errors are caught here, once, and printed as "jsift: <what went wrong>".
#include <system_error>

#include <fmt/format.h>

#include "command_line.hpp"
#include "common_flags.hpp"
#include "docs.hpp"
#include "jsift/error.hpp"
#include "jsift/io/interrupt.hpp"
#include "terminal.hpp"

namespace {

int run(int argc, char** argv) {
  using namespace jsift::cli;
  std::vector<std::unique_ptr<command>> table = command_table();
  std::vector<flag_list> flags;
  parsed_command p = parse_command_line(argc, argv, table, flags);
  if (p.exit_now >= 0) return p.exit_now;
  if (!p.generate.empty()) return print_generated(p.generate, table, flags);
  invocation inv;
  for (int i = 0; i < argc; ++i) inv.argv.emplace_back(argv[i]);
  const int rc = p.cmd->run(inv);
  if (std::string line = profile_line(); !line.empty()) print_err(line);
  return rc;
}

int fail(jsift::exit_code code, const std::string& msg) {
  jsift::cli::print_err(fmt::format("jsift: {}\n", msg));
  return int(code);
}

}  // namespace

int main(int argc, char** argv) {
  using jsift::exit_code;
  jsift::interrupt::install();
  try {
    return run(argc, argv);
  } catch (const jsift::usage_error& e) {
    return fail(exit_code::usage, e.what());
  } catch (const jsift::invalid_line_error& e) {
    return fail(exit_code::data, fmt::format("{}\n(--on-invalid skip or quarantine:FILE goes on past invalid lines)", e.what()));
  } catch (const jsift::data_error& e) {
    return fail(exit_code::data, e.what());
  } catch (const jsift::task_failed& e) {
    return fail(exit_code(e.code), e.what());
  } catch (const jsift::broken_pipe&) {
    return int(exit_code::ok);  // `| head`: the reader has what it wanted
  } catch (const jsift::interrupted&) {
    return fail(exit_code::interrupted, "interrupted; no partial output was left under a final name");
  } catch (const std::system_error& e) {
    return fail(exit_code::io, e.what());
  } catch (const std::bad_alloc&) {
    return fail(exit_code::io, "out of memory");
  } catch (const std::exception& e) {
    return fail(exit_code::io, e.what());
  }
}
