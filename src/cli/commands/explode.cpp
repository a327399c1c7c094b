// `jsift explode PATH`: one record per element of the array at PATH, with
// values inherited from the parent record.
#include "../command.hpp"
#include "../common_flags.hpp"
#include "jsift/error.hpp"
#include "jsift/jobs/transform_job.hpp"

namespace jsift::cli {
namespace {

class explode_command final : public command {
 public:
  command_info info() const override {
    return {"explode", "One record per element of an array, with values copied from the parent record",
            "The first argument is the array's PATH; each object element becomes a record, its bytes as written, with "
            "--inherit SRC=DEST setting the parent's value at SRC at DEST (a path in the new record; created, added last). "
            "Example: jsift explode .training_pairs --inherit .input_parameters.persona_key=.metadata.persona "
            "--inherit .id=.parent_id --index .pair_index data.jsonl -o pairs.jsonl"};
  }
  void define(flag_list& f) override {
    define_common(f, common_, output_flag::records);
    define_tasks(f, common_);
    f.texts("--inherit", "SRC=DEST", inherit_, "Copy the parent's value at SRC to DEST in every new record (repeatable)");
    f.text("--index", "PATH", index_, "Set the element's index in the array (0-based) at PATH in every new record");
  }
  int run(const invocation&) override {
    if (common_.inputs.empty() || common_.inputs[0].empty() || common_.inputs[0][0] != '.')
      throw usage_error("explode: the first argument is the array's PATH (for example .training_pairs)");
    const std::string array = common_.inputs[0];
    common_.inputs.erase(common_.inputs.begin());
    auto t = make_explode_transform(array, inherit_, index_);
    run_transform(common_, *t);
    return 0;
  }

 private:
  common_args common_;
  std::vector<std::string> inherit_;
  std::string index_;
};

}  // namespace

std::unique_ptr<command> make_explode_command() { return std::make_unique<explode_command>(); }

}  // namespace jsift::cli
