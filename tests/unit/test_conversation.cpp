#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

#include "jsift/error.hpp"
#include "jsift/json/conversation.hpp"
#include "jsift/json/path.hpp"
#include "jsift/json/value_hash.hpp"

using namespace jsift;

namespace {
simdjson::dom::parser& parser() {
  static simdjson::dom::parser p;
  return p;
}

// The turns of a record's detected conversation, in unit `u`.
std::optional<uint64_t> turns(const std::string& json, turn_unit u) {
  simdjson::dom::element root = parser().parse(json);
  auto conv = find_conversation(root);
  if (!conv) return std::nullopt;
  return count_turns(*conv, u);
}

std::vector<std::string> values(const std::string& json, const char* p) {
  simdjson::dom::element root = parser().parse(json);
  std::vector<std::string> out;
  path::parse(p).visit(root, [&](simdjson::dom::element e) { out.push_back(value_text(e)); });
  return out;
}
using V = std::vector<std::string>;

const std::string sharegpt = R"({"conversations":[{"from":"system","value":"s"},{"from":"human","value":"q1"},
  {"from":"gpt","value":"a1"},{"from":"human","value":"q2"},{"from":"gpt","value":"a2"}]})";
const std::string openai = R"({"messages":[{"role":"user","content":[{"type":"text","text":"x"}]},
  {"role":"assistant","content":"c"},{"role":"tool","content":"t"},{"role":"Assistant","content":"d"}]})";
const std::string mt_bench = R"({"history":[{"user":"u1","bot":"b1"},{"user":"u2","bot":"b2"},{"user":"u3"}]})";
const std::string pairs = R"({"history":[["u1","b1"],["u2","b2"]]})";
const std::string hh = R"({"chosen":"\n\nHuman: hi\n\nAssistant: hello\n\n\n\nHuman: more\nAssistant: not a marker\n\nAssistant: sure"})";
}  // namespace

TEST_CASE("roles: the documented names map to user, assistant, system and tool, case-insensitively") {
  for (const char* n : {"user", "human", "prompter", "Human", "USER"}) CHECK(role_of_name(n) == role::user);
  for (const char* n : {"assistant", "gpt", "bot", "model", "chatgpt", "GPT"}) CHECK(role_of_name(n) == role::assistant);
  CHECK(role_of_name("system") == role::system);
  for (const char* n : {"tool", "function", "observation", "ipython", "tool_response"}) CHECK(role_of_name(n) == role::tool);
  CHECK_FALSE(role_of_name("narrator"));
  CHECK_FALSE(role_of_name(""));
  simdjson::dom::element m = parser().parse(std::string(R"({"from":"gpt","role":"user"})"));
  CHECK(role_of(m) == role::user);  // "role" before "from"
  m = parser().parse(std::string(R"({"speaker":"gpt"})"));
  CHECK(role_of(m) == role::other);
  CHECK(role_name(role::assistant) == "assistant");
}

TEST_CASE("detection order: the original four keys first, then history, traj and a text-marked chosen") {
  CHECK(turns(R"({"training_pairs":[1],"turns":[1,2,3]})", turn_unit::elements) == 3u);  // turns before any other
  CHECK(turns(R"({"history":[1],"messages":[1,2]})", turn_unit::elements) == 2u);
  CHECK(turns(R"({"chosen":"\n\nHuman: a\n\nAssistant: b","traj":[1,2,3]})", turn_unit::elements) == 3u);
  CHECK(turns(R"({"chosen":"\n\nHuman: a\n\nAssistant: b"})", turn_unit::elements) == 2u);
  CHECK_FALSE(turns(R"({"chosen":"plain answer"})", turn_unit::elements));          // not a dialogue
  CHECK_FALSE(turns(R"({"chosen":"Human: only one side"})", turn_unit::elements));
  CHECK_FALSE(turns(R"({"turns":null,"messages":[1]})", turn_unit::elements));      // the first present key wins, as before
  CHECK_FALSE(turns(R"({"prompt":"x"})", turn_unit::elements));
  CHECK(is_text_dialogue("Human: a\n\nAssistant: b"));
  CHECK_FALSE(is_text_dialogue("Human: a\nAssistant: b"));  // a marker needs a blank line before it
  CHECK_FALSE(is_text_dialogue("Answer first.\n\nHuman: a\n\nAssistant: b"));  // it must open with Human
  CHECK_FALSE(is_text_dialogue("\n\nAssistant: b\n\nHuman: a"));
  CHECK(conversation_rank("turns") == 0);
  CHECK(conversation_rank("chosen") == 6);
  CHECK(conversation_rank("prompt") == no_conversation_rank);
}

TEST_CASE("turn units: elements, messages, user, assistant and exchanges on every shape") {
  struct row {
    const std::string* rec;
    uint64_t elements, messages, user, assistant, exchanges;
  };
  for (const row& r : {row{&sharegpt, 5, 5, 2, 2, 2}, row{&openai, 4, 4, 1, 2, 1}, row{&mt_bench, 3, 5, 3, 2, 2},
                       row{&pairs, 2, 4, 2, 2, 2}, row{&hh, 4, 4, 2, 2, 2}}) {
    INFO(*r.rec);
    CHECK(turns(*r.rec, turn_unit::elements) == r.elements);
    CHECK(turns(*r.rec, turn_unit::messages) == r.messages);
    CHECK(turns(*r.rec, turn_unit::user) == r.user);
    CHECK(turns(*r.rec, turn_unit::assistant) == r.assistant);
    CHECK(turns(*r.rec, turn_unit::exchanges) == r.exchanges);
  }
  // An agent turn: user, assistant (tool call), tool, assistant is one exchange.
  CHECK(turns(R"({"traj":[{"role":"user"},{"role":"assistant"},{"role":"tool"},{"role":"assistant"}]})", turn_unit::exchanges) == 1u);
  // Two user messages in a row, one answer: one exchange.
  CHECK(turns(R"({"turns":[{"role":"user"},{"role":"user"},{"role":"assistant"}]})", turn_unit::exchanges) == 1u);
  CHECK(turns(R"({"turns":[]})", turn_unit::messages) == 0u);
  CHECK(turn_unit_name(parse_turn_unit("exchanges", "turns_count")) == "exchanges");
  CHECK_THROWS_AS(parse_turn_unit("pairs", "turns_count"), usage_error);
}

TEST_CASE("role-aware paths: every message of a role, or the N-th of them") {
  CHECK(values(sharegpt, ".conversations[role=assistant][-1].value") == V{"a2"});
  CHECK(values(sharegpt, ".conversations[role=gpt][0].value") == V{"a1"});
  CHECK(values(sharegpt, ".conversations[role=user].value") == V{"q1", "q2"});
  CHECK(values(sharegpt, ".conversations[role=system][-1].value") == V{"s"});
  CHECK(values(sharegpt, ".conversations[role=assistant][2]").empty());
  CHECK(values(sharegpt, ".conversations[role=assistant][-3]").empty());
  CHECK(values(sharegpt, ".conversations[role=tool]").empty());
  CHECK(values(openai, ".messages[role=assistant].content") == V{"c", "d"});
  CHECK(values(openai, ".messages[role=user][0].content[0].text") == V{"x"});
  CHECK(values(openai, ".id[role=user]").empty());  // not an array
  CHECK(path::parse(".turns[role=assistant]").is_multi());
  CHECK_FALSE(path::parse(".turns[role=assistant][-1].content").is_multi());
  CHECK_THROWS_WITH(path::parse(".turns[role=robot]"), Catch::Contains("unknown role 'robot'"));
  CHECK_THROWS_WITH(path::parse(".turns[role=user"), Catch::Contains("expected ']'"));
}

TEST_CASE("messages with their text: typed parts joined, pairs split, text-marked dialogues cut at their markers") {
  auto msgs = [](const std::string& json) {
    simdjson::dom::element root = parser().parse(json);
    std::vector<message> out;
    auto conv = find_conversation(root);
    REQUIRE(conv);
    REQUIRE(messages_of(*conv, out));
    std::vector<std::string> text;
    for (const auto& m : out) text.push_back(std::string(role_name(m.role)) + "|" + m.text);
    return text;
  };
  CHECK(msgs(openai) == V{"user|x", "assistant|c", "tool|t", "assistant|d"});
  CHECK(msgs(sharegpt) == V{"system|s", "user|q1", "assistant|a1", "user|q2", "assistant|a2"});
  CHECK(msgs(mt_bench) == V{"user|u1", "assistant|b1", "user|u2", "assistant|b2", "user|u3"});
  CHECK(msgs(pairs) == V{"user|u1", "assistant|b1", "user|u2", "assistant|b2"});
  CHECK(msgs(hh) == V{"user|hi", "assistant|hello", "user|more\nAssistant: not a marker", "assistant|sure"});
  CHECK(msgs(R"({"turns":[{"role":"user","content":[{"type":"text","text":"a"},"b",{"type":"image"}]},7]})") ==
        V{"user|a\nb", "other|"});
  simdjson::dom::element s = parser().parse(std::string(R"({"x":"plain"})"));
  std::vector<message> none;
  CHECK_FALSE(messages_of(s.at_key("x").value_unsafe(), none));
}
