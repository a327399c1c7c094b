// jsift's entry point: argv -> run() -> exit code. Errors are caught here,
// once, and printed as "jsift: <what went wrong>".
#include <system_error>

#include <fmt/format.h>

#include "commands.hpp"
#include "flags.hpp"
#include "jsift/error.hpp"
#include "jsift/io/interrupt.hpp"
#include "terminal.hpp"

namespace {

int run(int argc, char** argv) {
  using namespace jsift::cli;
  parsed_flags f = parse_flags(argc, argv);
  if (f.exit_now >= 0) return f.exit_now;
  switch (f.cmd) {
    case command::stats: return run_stats(f);
    case command::filter: return run_filter(f);
    case command::dedup: return run_dedup(f);
    case command::rebalance: return run_rebalance(f);
    case command::sample: return run_sample(f);
    case command::split: return run_split(f);
    case command::shard: return run_shard(f);
    case command::verify: return run_verify(f);
    case command::gate: return run_gate(f);
    case command::run: return run_flow(f);
    case command::none: break;
  }
  return 2;
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
