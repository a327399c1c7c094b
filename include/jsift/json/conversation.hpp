// jsift/json/conversation.hpp — conversations whatever their schema: where a
// record keeps its conversation, who speaks each message, and what a
// "turn" counts (--turns, --turns-count, stats, the gate's turns check,
// role-aware paths).
//
// Detection order (the first top-level key present wins; --turns-path
// overrides): .turns, .messages, .conversations, .training_pairs (the
// original four, so records that have one are read as before), then
// .history (MT-Bench: {user, bot} pairs), .traj (agent trajectories), and
// .chosen when it is a text-marked dialogue (hh-rlhf: "\n\nHuman: ...
// \n\nAssistant: ...", opening with the Human marker).
//
// Roles: a message object's "role", else its "from" (ShareGPT), mapped
// case-insensitively: user, human, prompter -> user; assistant, gpt, bot,
// model, chatgpt -> assistant; system -> system; tool, function,
// observation, ipython, tool_response -> tool; anything else -> other.
// A {user, bot} pair (or a two-element array of strings) is a user message
// then an assistant message.
//
// Pure functions of the DOM; safe from any number of threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

namespace jsift {

enum class role : uint8_t { user, assistant, system, tool, other };

// The role a name maps to (see above); nullopt for a name outside the table.
std::optional<role> role_of_name(std::string_view name);
std::string_view role_name(role r);  // "user", "assistant", "system", "tool", "other"
// A message's role: its "role" or "from" string, mapped; other if neither.
role role_of(simdjson::dom::element message);

// What --turns counts.
enum class turn_unit : uint8_t {
  elements,   // the conversation array's length (the default; a text-marked dialogue: its messages)
  messages,   // messages, a {user, bot} pair counting two
  user,       // messages whose role is user
  assistant,  // messages whose role is assistant
  exchanges,  // user messages answered by an assistant message before the next user message
};
// "elements", "messages", ...; throws option_error naming `flag`.
turn_unit parse_turn_unit(std::string_view text, std::string_view flag);
std::string_view turn_unit_name(turn_unit u);

// A top-level key's place in the detection order (0 for "turns" ... 6 for
// "chosen"), or no_conversation_rank: lets a loop over a record's keys find
// the conversation without looking each candidate up again. Rank 6 is only
// a candidate: is_conversation() decides.
constexpr int no_conversation_rank = 7;
inline int conversation_rank(std::string_view key) noexcept {
  switch (key.size()) {
    case 4: return key == "traj" ? 5 : no_conversation_rank;
    case 5: return key == "turns" ? 0 : no_conversation_rank;
    case 6: return key == "chosen" ? 6 : no_conversation_rank;
    case 7: return key == "history" ? 4 : no_conversation_rank;
    case 8: return key == "messages" ? 1 : no_conversation_rank;
    case 13: return key == "conversations" ? 2 : no_conversation_rank;
    case 14: return key == "training_pairs" ? 3 : no_conversation_rank;
    default: return no_conversation_rank;
  }
}
// Whether the value of a key of that rank holds a conversation: any value
// for ranks 0-5 (counting decides what it holds), a text-marked dialogue
// string for rank 6.
bool is_conversation(int rank, simdjson::dom::element value);

// A string that opens with a "Human:" marker (at its start, or after a
// blank line "\n\n" there) and has an "Assistant:" marker after a blank line.
bool is_text_dialogue(std::string_view text);

// The record's conversation in the detection order, if any.
std::optional<simdjson::dom::element> find_conversation(simdjson::dom::element root);

// The number of turns of a conversation value in unit `u`; nullopt when the
// value is neither an array nor a text-marked dialogue.
std::optional<uint64_t> count_turns(simdjson::dom::element conversation, turn_unit u);

// A conversation's messages with their text: a message's "content", else
// "value", else "text" (a list of typed parts: the texts of its parts,
// joined by a newline); a {user, bot} pair or [user, bot] array gives two;
// a text-marked dialogue is cut at its markers (text trimmed). False when
// the value holds no conversation.
struct message {
  jsift::role role;
  std::string text;
};
bool messages_of(simdjson::dom::element conversation, std::vector<message>& out);

}  // namespace jsift
