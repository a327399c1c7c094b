// `jsift shard`: inputs -> shard_job -> shards, card and manifest.
#include <fmt/format.h>

#include "../command.hpp"
#include "../common_flags.hpp"
#include "jsift/error.hpp"
#include "jsift/io/units.hpp"
#include "jsift/jobs/shard_job.hpp"
#include "jsift/stages/split_router.hpp"

namespace jsift::cli {
namespace {

class shard_command final : public command {
 public:
  command_info info() const override {
    return {"shard", "Validated zstd JSONL shards (HuggingFace names), a dataset card and manifest.json, atomically",
            "Example: jsift shard -o hub/ --split train --max-bytes 256MiB --by .record_type data/ && jsift verify hub/"};
  }
  void define(flag_list& f) override {
    define_common(f, common_, output_flag::none);
    f.text("-o,--output", "DIR", o_.dir, "Directory for the shards (created); other splits already there are kept").dirs().required();
    f.text("--split", "NAME", o_.split, "Split name: shards are NAME-00000-of-0000N.jsonl.zst").shows_default("train");
    f.count("--max-records", "N", o_.max_records, "Start a new shard after N records (above 0)");
    f.text("--max-bytes", "SIZE", max_bytes_, "Start a new shard before SIZE uncompressed bytes (above 0; a larger record goes alone)");
    f.count("--level", "N", level_, "zstd level (1-19)").shows_default("3");
    f.choice("--compress", o_.compression, {{"zstd", shard_compression::zstd}, {"none", shard_compression::none}}, "zstd or none").shows_default("zstd");
    f.text("--by", "PATH", by_, "Count records per value of this field in the manifest and card").paths();
    f.toggle("--force", o_.force, "Replace this split's shards once the new ones are complete; write beside files jsift did not write");
    define_tasks(f, common_);
    f.texts("--join", "TASKDIR", join_,
            "Instead of reading input: join the shard directories that tasks 0..N-1 wrote (--tasks N --task I -o TASKDIR), in "
            "the order given, into -o under global names, with one manifest and card (repeatable; jsift cluster does this)")
        .dirs();
  }
  int run(const invocation& inv) override {
    if (!join_.empty()) {
      if (!common_.inputs.empty() && !(common_.inputs.size() == 1 && common_.inputs[0] == "-"))
        throw usage_error("shard --join reads the tasks' shard directories, not input");
      if (common_.tasks || common_.task || o_.max_records || !max_bytes_.empty() || !by_.empty() || level_ != 3 ||
          o_.compression != shard_compression::zstd)
        throw usage_error("shard --join takes -o, --split and --force: the tasks' options made their shards");
      check_split_name(o_.split, "split");
      const uint64_t bytes = join_shard_tasks(join_, o_.dir, o_.force, inv.argv, o_.split);
      if (!common_.quiet) print_err(fmt::format("jsift shard: {} task directories joined under {} ({})\n", join_.size(), o_.dir, human_bytes(bytes)));
      return 0;
    }
    run_settings s = make_settings(common_);
    if (level_ > 19) throw option_error("level", fmt::format("expected a zstd level from 1 to 19, got {}", level_));
    o_.level = int(level_);
    if (!max_bytes_.empty()) o_.max_bytes = parse_size(max_bytes_, "max_bytes");
    if (!by_.empty()) o_.by = for_option("by", [&] { return path::parse(by_); });
    o_.command = inv.argv;
    if (common_.tasks) o_.task = std::make_pair(common_.task_index(), *common_.tasks), o_.run = o_.run_fingerprint(s.all_inputs);
    o_.validate();
    check_outputs(s, {});
    shard_job job(s.inputs, s.records, o_);
    run_with_progress(s, s.inputs, job);
    job.finish();
    finish_command(s, "shard", job, {}, job.summary());
    return 0;
  }

 private:
  common_args common_;
  shard_options o_;
  std::string max_bytes_, by_;
  std::vector<std::string> join_;
  uint64_t level_ = 3;
};

}  // namespace

std::unique_ptr<command> make_shard_command() { return std::make_unique<shard_command>(); }

}  // namespace jsift::cli
