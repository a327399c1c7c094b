// `jsift set`: PATH=VALUE assignments and --del PATHs on every record; the
// rest of each record keeps its bytes.
#include <filesystem>

#include "../command.hpp"
#include "../common_flags.hpp"
#include "jsift/error.hpp"
#include "jsift/jobs/transform_job.hpp"

namespace jsift::cli {
namespace {

class set_command final : public command {
 public:
  command_info info() const override {
    return {"set", "Set or delete values in every record; everything else keeps its bytes",
            "PATH=VALUE arguments (starting with '.', not naming a file) set values: VALUE is JSON when it parses, else a "
            "string; missing objects on the way are created and new members go last. A record where a path meets a value of "
            "the wrong type is dropped as filtered:set. Example: jsift set .source=oasst .meta.reviewed=false --del .tmp data.jsonl -o out.jsonl"};
  }
  void define(flag_list& f) override {
    define_common(f, common_, output_flag::records);
    define_tasks(f, common_);
    f.texts("--del", "PATH", dels_, "Delete the values at PATH (members or elements; every one a [] path reaches)").paths();
  }
  int run(const invocation&) override {
    // PATH=VALUE arguments among the inputs: they start with '.' and name no file.
    std::vector<std::string> inputs, sets;
    for (auto& a : common_.inputs) {
      std::error_code ec;
      if (looks_like_assignment(a) && !std::filesystem::exists(a, ec)) sets.push_back(a);
      else inputs.push_back(a);
    }
    common_.inputs = inputs;
    auto t = make_set_transform(sets, dels_);
    run_transform(common_, *t);
    return 0;
  }

 private:
  common_args common_;
  std::vector<std::string> dels_;
};

}  // namespace

std::unique_ptr<command> make_set_command() { return std::make_unique<set_command>(); }

}  // namespace jsift::cli
