// diversity_merge.hpp — `jsift merge` of `diversity --partial` files (the
// report's rendering lives with the diversity command).
#pragma once

#include <string>
#include <vector>

namespace jsift {
class partial_reader;
}

namespace jsift::cli {

// The head of a diversity partial, after its kind: which task of how many,
// a fingerprint of its options and sources (equal across a run's tasks) and
// every dataset's files.
struct diversity_partial_head {
  uint64_t tasks = 1, task = 0;
  std::string fingerprint;
  std::vector<std::string> inputs;  // every dataset's files, in order
};
diversity_partial_head read_diversity_head(partial_reader& r);

// Merges the partials (the tasks of one run, in task order) and prints or
// writes the report as `jsift diversity` does: `format` "auto", "table",
// "json" or "md"; `report` and `html` "" for none.
int merge_diversity(const std::vector<std::string>& partials, const std::string& format, const std::string& report,
                    const std::string& html);

}  // namespace jsift::cli
