// jsift/io/task_part.hpp — one task's share of the inputs (--tasks N --task I).
//
// The inputs, in order, are `total` bytes on disk. Task I reads the lines
// that begin at or after I * total / N and before (I + 1) * total / N: for a
// plain JSONL file a byte range snapped forward to line starts, and a file
// that cannot be cut (compressed, JSON text, empty) whole, as one unit that
// "begins" at its first byte. So every line belongs to exactly one task, the
// tasks' parts in order are the inputs in order, and N = 1 is the whole
// input. Finding a boundary reads from the byte before it to the next
// newline, never the file before it: a task does not know how many lines
// precede its part, so its messages name places as FILE@BYTE (the line's
// byte offset in its file).
//
// Errors: stdin, pipes and other non-regular inputs cannot be divided
// (usage_error, exit 2); unreadable files throw std::system_error.
#pragma once

#include <cstdint>
#include <vector>

#include "jsift/io/byte_reader.hpp"
#include "jsift/io/input_list.hpp"

namespace jsift {

std::vector<input_file> task_part(const std::vector<input_file>& files, uint64_t tasks, uint64_t task,
                                  input_format format = input_format::auto_);

}  // namespace jsift
