// `jsift verify DIR`: re-check a shard directory against its manifest.
#include <fmt/format.h>

#include "../command.hpp"
#include "../terminal.hpp"
#include "jsift/error.hpp"
#include "jsift/io/units.hpp"
#include "jsift/jobs/verify_shards.hpp"

namespace jsift::cli {
namespace {

class verify_command final : public command {
 public:
  command_info info() const override {
    return {"verify", "Re-check a shard directory against its manifest: every shard decompressed, every line parsed",
            "Exit 0 when everything matches the manifest, 3 with one line per problem otherwise."};
  }
  void define(flag_list& f) override {
    f.positional("dir", "DIR", dir_, "The directory jsift shard wrote").dirs().required();
    f.count("-j,--threads", "N", threads_, "Worker threads (default: every core)");
  }
  int run(const invocation&) override {
    if (threads_ > 1024) throw option_error("threads", "at most 1024");
    verify_result r = verify_shards(dir_, unsigned(threads_));
    std::string out;
    for (const auto& p : r.problems) out += fmt::format("jsift verify: {}\n", p);
    if (r.problems.empty())
      out += fmt::format("jsift verify: {}: OK, {} and {} match the manifest\n", dir_, plural(r.shards, "shard"), plural(r.records, "record"));
    else
      out += fmt::format("jsift verify: {}: {}\n", dir_, plural(r.problems.size(), "problem"));
    print_err(out);
    return r.problems.empty() ? 0 : int(exit_code::data);
  }

 private:
  std::string dir_;
  uint64_t threads_ = 0;
};

}  // namespace

std::unique_ptr<command> make_verify_command() { return std::make_unique<verify_command>(); }

}  // namespace jsift::cli
