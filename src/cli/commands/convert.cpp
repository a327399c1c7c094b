// `jsift convert`: conversations from one schema to another (OpenAI, ShareGPT, Alpaca), or JSON text to JSONL.
#include "../command.hpp"
#include "../common_flags.hpp"
#include "jsift/jobs/transform_job.hpp"

namespace jsift::cli {
namespace {

class convert_command final : public command {
 public:
  command_info info() const override {
    return {"convert", "Rewrite conversations as OpenAI messages, ShareGPT conversations or Alpaca records",
            "The conversation is found as --turns finds it (or at --turns-path .NAME); role/content and from/value "
            "messages, {user, bot} pairs, text-marked dialogues (hh-rlhf) and Alpaca records are read. Other members and "
            "message fields keep their bytes; a record already in the target schema is written unchanged. A record the "
            "target cannot hold (an Alpaca record needs user/assistant turns ending with the assistant; ShareGPT values "
            "are text) is dropped as filtered:convert, and the summary says why. --to jsonl writes every record (a JSON "
            "array's elements too) with the whitespace outside strings removed. "
            "Example: jsift convert --to openai sharegpt.json -o chat.jsonl"};
  }
  void define(flag_list& f) override {
    define_common(f, common_, output_flag::records);
    define_tasks(f, common_);
    f.choice("--to", to_,
             {{"openai", chat_schema::openai},
              {"sharegpt", chat_schema::sharegpt},
              {"alpaca", chat_schema::alpaca},
              {"jsonl", chat_schema::jsonl}},
             "The target schema")
        .required();
    f.text("--turns-path", ".NAME", turns_path_, "The conversation's top-level member (default: found as --turns finds it)")
        .paths();
  }
  int run(const invocation&) override {
    auto t = make_convert_transform(to_, turns_path_);
    run_transform(common_, *t);
    return 0;
  }

 private:
  common_args common_;
  chat_schema to_ = chat_schema::jsonl;
  std::string turns_path_;
};

}  // namespace

std::unique_ptr<command> make_convert_command() { return std::make_unique<convert_command>(); }

}  // namespace jsift::cli
