// `jsift merge PARTIAL...`: the report of one run from its tasks' partials
// (stats --partial with --tasks N --task I): every task once, same options,
// same inputs; counts added and sets united in task order.
#include <fmt/format.h>

#include "../command.hpp"
#include "../common_flags.hpp"
#include "jsift/error.hpp"
#include "jsift/io/output_file.hpp"
#include "jsift/io/partial_file.hpp"
#include "jsift/io/sys.hpp"
#include "jsift/jobs/stats_job.hpp"
#include "jsift/report/stats_report.hpp"

namespace jsift::cli {
namespace {

enum class merge_format { auto_, table, json };

stats_partial_head read_head(partial_reader& r) {
  if (std::string kind = r.str(); kind != "stats") r.fail(fmt::format("a partial of `{}`, not one this command merges", kind));
  return stats_partial_head::read(r);
}

stats_partial_head read_head(partial_reader&& r) { return read_head(r); }

class merge_command final : public command {
 public:
  command_info info() const override {
    return {"merge", "The report of one run from its tasks' partials (stats --partial --tasks N --task I)",
            "Every task 0..N-1 once, written with the same options over the same inputs; exact where each task counted exactly "
            "(sets are united, not estimated). Places are FILE@BYTE. Example: for i in 0 1 2; do jsift stats --tasks 3 --task $i "
            "--partial part-$i.bin data/; done; jsift merge part-*.bin"};
  }
  void define(flag_list& f) override {
    f.inputs(partials_, "The tasks' partial files, in any order");
    f.choice("--format", format_, {{"auto", merge_format::auto_}, {"table", merge_format::table}, {"json", merge_format::json}},
             "auto (table on a terminal, JSON otherwise), table or json")
        .shows_default("auto");
    f.toggle("--json", json_, "Same as --format json");
    f.text("--report", "FILE", report_, "Also write the JSON report to FILE").files();
  }
  int run(const invocation&) override {
    if (partials_.empty() || (partials_.size() == 1 && partials_[0] == "-")) throw usage_error("name the tasks' partial files");
    // First every file's checksum and head (one file in memory at a time),
    // then the merge, in task order, reading each again.
    std::vector<std::pair<stats_partial_head, std::string>> parts;
    for (const auto& p : partials_) parts.emplace_back(read_head(partial_reader::open(p)), p);
    std::sort(parts.begin(), parts.end(), [](const auto& a, const auto& b) { return a.first.task < b.first.task; });
    const stats_partial_head& first = parts.front().first;
    const std::string options = first.options.fingerprint();
    for (size_t i = 0; i < parts.size(); ++i) {
      const auto& [h, name] = parts[i];
      if (h.tasks != first.tasks)
        throw usage_error(fmt::format("{} is task {} of {}, {} of {}: tasks of different runs", name, h.task, h.tasks, first.task, first.tasks));
      if (h.task != i) {
        if (i > 0 && h.task == parts[i - 1].first.task)
          throw usage_error(fmt::format("{} and {} are both task {} of {}", parts[i - 1].second, name, h.task, h.tasks));
        throw usage_error(fmt::format("task {} of {} is missing", i, first.tasks));
      }
      if (h.options.fingerprint() != options)
        throw usage_error(fmt::format("{} was written with other options than {} ({} / {})", name, parts[0].second,
                                      h.options.fingerprint(), options));
      if (h.inputs != first.inputs) throw usage_error(fmt::format("{} was run over other inputs than {}", name, parts[0].second));
    }
    if (parts.size() != first.tasks) throw usage_error(fmt::format("task {} of {} is missing", parts.size(), first.tasks));

    std::vector<input_file> files;
    for (const auto& name : first.inputs) files.push_back(input_file{name == "<stdin>" ? "-" : name, {}, 0, UINT64_MAX, true});
    stats_job job(files, record_job_options{}, first.options, stats_mode::merged);
    for (const auto& [h, path] : parts) {
      partial_reader r = partial_reader::open(path);
      read_head(r);
      job.merge_partial(r);
      r.end();
    }
    const bool json = json_ || format_ == merge_format::json || (format_ == merge_format::auto_ && !is_terminal(1));
    std::string report = stats_json(job, first.skipped);
    std::string shown = json ? report : stats_table(job);
    sys::write_all(1, shown.data(), shown.size(), "to stdout");
    if (!report_.empty()) write_file_atomic(report_, report);
    return 0;
  }

 private:
  std::vector<std::string> partials_;
  merge_format format_ = merge_format::auto_;
  bool json_ = false;
  std::string report_;
};

}  // namespace

std::unique_ptr<command> make_merge_command() { return std::make_unique<merge_command>(); }

}  // namespace jsift::cli
