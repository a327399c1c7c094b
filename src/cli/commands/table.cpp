// The table of subcommands: adding one is a file in commands/, a line here
// and a line in CMakeLists.txt.
#include "../command.hpp"

// Every subcommand, in the order `jsift --help` lists them: one line each.
#define JSIFT_COMMANDS(X) \
  X(stats)                \
  X(diversity)            \
  X(filter)               \
  X(set)                  \
  X(cut)                  \
  X(explode)              \
  X(window)               \
  X(convert)              \
  X(dedup)                \
  X(rebalance)            \
  X(sample)               \
  X(split)                \
  X(shard)                \
  X(verify)               \
  X(gate)                 \
  X(merge)                \
  X(cluster)              \
  X(run)

namespace jsift::cli {

#define JSIFT_DECLARE(name) std::unique_ptr<command> make_##name##_command();
JSIFT_COMMANDS(JSIFT_DECLARE)
#undef JSIFT_DECLARE

std::vector<std::unique_ptr<command>> command_table() {
  std::vector<std::unique_ptr<command>> t;
#define JSIFT_ENTRY(name) t.push_back(make_##name##_command());
  JSIFT_COMMANDS(JSIFT_ENTRY)
#undef JSIFT_ENTRY
  return t;
}

}  // namespace jsift::cli
