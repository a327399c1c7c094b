// `jsift window`: one chat record per assistant turn, its input the turns before it.
#include "../command.hpp"
#include "../common_flags.hpp"
#include "jsift/jobs/transform_job.hpp"

namespace jsift::cli {
namespace {

class window_command final : public command {
 public:
  command_info info() const override {
    return {"window", "One record per assistant turn: input = the turns before it, output = that turn",
            "Records are {\"id\": \"<parent id>#<k>\", \"parent_id\", \"turn\": k, \"input\", \"output\"}; k is the message's "
            "position in the conversation (found as --turns finds it). Example: jsift window --history 1..3 chats.jsonl -o pairs.jsonl"};
  }
  void define(flag_list& f) override {
    define_common(f, common_, output_flag::records);
    define_tasks(f, common_);
    f.text("--history", "LO..HI", history_, "Messages before the answer: at least LO (records with fewer are skipped), at most HI")
        .shows_default("1..3");
    f.choice("--format", format_, {{"text", window_format::text}, {"messages", window_format::messages}},
             "input as \"User: ...\\nAssistant: ...\" text, or as a messages array of {role, content}")
        .shows_default("text");
    f.text("--turns-path", "PATH", turns_path_, "The conversation (default: found as --turns finds it)").paths();
  }
  int run(const invocation&) override {
    auto t = make_window_transform(history_, format_, turns_path_);
    run_transform(common_, *t);
    return 0;
  }

 private:
  common_args common_;
  std::string history_ = "1..3", turns_path_;
  window_format format_ = window_format::text;
};

}  // namespace

std::unique_ptr<command> make_window_command() { return std::make_unique<window_command>(); }

}  // namespace jsift::cli
