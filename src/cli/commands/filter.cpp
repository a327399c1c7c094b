// `jsift filter`: inputs -> filter_job (the predicate chain) -> output file.
#include "../command.hpp"
#include "../common_flags.hpp"
#include "jsift/jobs/filter_job.hpp"

namespace jsift::cli {
namespace {

class filter_command final : public command {
 public:
  command_info info() const override {
    return {"filter", "Keep records matching every predicate; write them byte-for-byte in input order",
            "Predicates combine with AND. Example: jsift filter --turns 5..10 --nonempty '.turns[].content' in.jsonl -o out.jsonl"};
  }
  void define(flag_list& f) override {
    define_common(f, common_, output_flag::records);
    define_tasks(f, common_);
    f.text("--turns", "MIN..MAX", spec_.turns, "Conversation length in MIN..MAX (either end optional)");
    f.text("--turns-path", "PATH", spec_.turns_path,
           "Conversation for --turns (default: the first of .turns .messages .conversations .training_pairs .history .traj, "
           "or a text-marked .chosen)")
        .paths();
    f.text("--turns-count", "UNIT", spec_.turns_count,
           "What --turns counts: elements (the array's length, default), messages, user, assistant or exchanges");
    f.texts("--len", "PATH=MIN..MAX", spec_.len, "Length of every value at PATH (string characters, array elements, object members)");
    f.texts("--eq", "PATH=VALUE", spec_.eq, "Some value at PATH equals VALUE (JSON if it parses, else a string)");
    f.texts("--ne", "PATH=VALUE", spec_.ne, "No value at PATH equals VALUE");
    f.texts("--has", "PATH", spec_.has, "PATH reaches a value (null included)").paths();
    f.texts("--nonempty", "PATH", spec_.nonempty, "PATH reaches values, none null, blank, [] or {}").paths();
    f.text("--bytes", "MIN..MAX", spec_.bytes, "Record size in bytes in MIN..MAX");
    f.texts("--match", "PATH=REGEX", spec_.match, "Some value at PATH matches (RE2 syntax, unanchored; (?i) for case-insensitive)");
    f.toggle("--invert", spec_.invert, "Keep the records that the predicates reject instead");
  }
  int run(const invocation&) override {
    predicate_chain chain(spec_);
    run_settings s = make_settings(common_);
    check_outputs(s, {{"-o", s.output}});
    output_file out(s.output);
    filter_job job(s.inputs, s.records, chain, out);
    run_with_progress(s, s.inputs, job);
    job.finish();
    finish_command(s, "filter", job, [&](json_writer& w) { chain.write_conversations_json(w); }, chain.conversation_warning());
    return 0;
  }

 private:
  common_args common_;
  filter_spec spec_;
};

}  // namespace

std::unique_ptr<command> make_filter_command() { return std::make_unique<filter_command>(); }

}  // namespace jsift::cli
