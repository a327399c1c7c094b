// `jsift split`: inputs -> split_job (the split router) -> DIR/NAME.jsonl per split.
#include <cmath>
#include <filesystem>

#include <fmt/format.h>

#include "../command.hpp"
#include "../common_flags.hpp"
#include "jsift/io/units.hpp"
#include "jsift/jobs/split_job.hpp"
#include "jsift/stages/quota.hpp"

namespace jsift::cli {
namespace {

class split_command final : public command {
 public:
  command_info info() const override {
    return {"split", "Deterministic train/eval split by a hash of a key: stable when data is appended or reordered",
            "Example: jsift split --ratios train=0.9,eval=0.1 --key .conversation_id data/ -o splits/"};
  }
  void define(flag_list& f) override {
    define_common(f, common_, output_flag::none);
    define_tasks(f, common_);
    f.text("-o,--output", "DIR", dir_, "Directory for one NAME.jsonl per split (created if missing)").dirs().required();
    f.text("--ratios", "NAME=SHARE,...", ratios_, "Splits and their shares, summing to 1").shows_default("train=0.98,eval=0.02");
    f.texts("--key", "PATH", keys_, "Records with the same value at PATH land in the same split (e.g. a conversation id); repeatable: a tuple")
        .paths();
    f.choice("--keyless", keyless_, {{"fail", keyless_policy::fail}, {"skip", keyless_policy::skip}},
             "A record without a value at --key: fail (exit 3, naming it) or skip (counted as filtered:keyless)")
        .shows_default("fail");
    f.count("--seed", "N", seed_, "Assignment seed").shows_default("0");
  }
  int run(const invocation&) override {
    run_settings s = make_settings(common_);
    std::map<std::string, double> shares = parse_shares(ratios_, "ratios");
    split_router router({shares.begin(), shares.end()}, key_spec::parse(keys_, "none"), seed_, keyless_);
    std::vector<std::pair<std::string, std::string>> named;
    for (const auto& [name, share] : router.ratios())
      named.emplace_back(fmt::format("split '{}'", name), (std::filesystem::path(dir_) / (name + ".jsonl")).string());
    check_outputs(s, named);
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    if (ec) throw std::system_error(ec, fmt::format("cannot create directory '{}'", dir_));
    std::vector<std::unique_ptr<output_file>> files;
    std::vector<output_file*> outs;
    for (const auto& [name, share] : router.ratios()) {
      files.push_back(std::make_unique<output_file>((std::filesystem::path(dir_) / (name + ".jsonl")).string()));
      outs.push_back(files.back().get());
    }
    split_job job(s.inputs, s.records, router, outs);
    run_with_progress(s, s.inputs, job);
    job.finish();
    uint64_t total = 0;
    for (uint64_t n : job.split_counts()) total += n;
    auto share = [&](size_t i) { return total ? double(job.split_counts()[i]) / double(total) : 0.0; };
    std::string tail, warnings;
    for (size_t i = 0; i < router.size(); ++i) {
      tail += fmt::format("  {:<16}{:>12} records {:>6.1f}%  -> {}\n", fit(router.name(i), 15), with_commas(job.split_counts()[i]), 100 * share(i),
                          files[i]->path());
      // Grouped by a key with few groups, a split can land far from its share.
      const double target = router.ratios()[i].second;
      if (total && std::abs(share(i) - target) > 0.02)
        warnings += fmt::format("jsift: warning: split '{}' has {:.1f}% of the records, its share is {:.1f}%{}\n", router.name(i),
                                100 * share(i), 100 * target, router.key().paths.empty() ? "" : " (few groups at --key?)");
    }
    tail += warnings;
    finish_command(
        s, "split", job,
        [&](json_writer& w) {
          w.key("splits").begin_object();
          for (size_t i = 0; i < router.size(); ++i) {
            w.key(router.name(i)).begin_object();
            w.key("file").value(files[i]->path());
            w.key("records").value(job.split_counts()[i]);
            w.key("share").value(std::round(share(i) * 1e6) / 1e6);
            w.key("target").value(router.ratios()[i].second);
            w.end_object();
          }
          w.end_object();
        },
        tail);
    return 0;
  }

 private:
  common_args common_;
  std::string dir_, ratios_ = "train=0.98,eval=0.02";
  std::vector<std::string> keys_;
  keyless_policy keyless_ = keyless_policy::fail;
  uint64_t seed_ = 0;
};

}  // namespace

std::unique_ptr<command> make_split_command() { return std::make_unique<split_command>(); }

}  // namespace jsift::cli
