// jsift/io/input_list.hpp — turns the INPUT arguments into one ordered list of
// files: a file as given, a directory as its `*.jsonl*` and `*.ndjson*` files
// (or those matching --glob) found recursively and sorted by path, `-` (or no
// argument) as stdin.
//
// Directories are walked through links, each visited once (by device and
// inode, so a link loop ends), and a file reached by two paths inside them is
// read once. Entries that look like data but cannot be read as a stream of
// lines (FIFOs, sockets, devices, broken links) are not read: they are listed
// as skipped, with the reason, for the caller to report.
//
// Errors: a path that does not exist or cannot be read throws
// std::system_error ("cannot open 'x': No such file or directory"); a
// directory with no JSONL files throws usage_error. Pure function, no state.
// An input_spool rewrites the list it is given to point at its copies: it
// must outlive every pass over that list (the copies go with it).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace jsift {

struct input_file {
  std::string path{};   // "-" means stdin
  std::string label{};  // shown instead of path (a spooled stdin)
  // One task's share of the inputs (--tasks, io/task_part.hpp): the file's
  // bytes [begin, end), whole lines of a plain file (end UINT64_MAX: to its
  // end), and places in messages are byte offsets (the lines before the
  // part are not read, so their number is not known).
  uint64_t begin = 0, end = UINT64_MAX;
  bool in_task = false;
  uint32_t whole_index = 0;  // in a task: the file's index among all the inputs
  bool part() const { return begin != 0 || end != UINT64_MAX; }
  std::string name() const {
    if (!label.empty()) return label;
    return path == "-" ? std::string("<stdin>") : path;
  }
};

struct skipped_input {
  std::string path;
  std::string reason;  // "not a regular file (a FIFO)", "a broken link"...
};

// `globs`: the names a directory's files must match to be read (fnmatch
// patterns); none: `*.jsonl*` and `*.ndjson*`. Every other file of a
// directory is listed in `skipped`, with the reason.
std::vector<input_file> expand_inputs(const std::vector<std::string>& args, std::vector<skipped_input>* skipped = nullptr,
                                      const std::vector<std::string>& globs = {});

// The inputs' sizes on disk, summed over the regular files among them
// (stdin and pipes count 0; a part of a file its bytes). For estimates: it
// changes as files grow.
uint64_t input_size(const std::vector<input_file>& files);

// Commands that read their input more than once (rebalance, sample -n) copy
// the inputs that cannot be re-read (stdin, pipes) to temporary files in
// $TMPDIR (default /tmp), as read: memory stays bounded and disk holds one
// copy. The copies keep the original name in messages and are removed when
// the spool is destroyed.
class input_spool {
 public:
  explicit input_spool(std::vector<input_file>& files);
  ~input_spool();
  input_spool(const input_spool&) = delete;
  input_spool& operator=(const input_spool&) = delete;
  bool used() const { return !temps_.empty(); }

 private:
  void spool(std::vector<input_file>& files);
  std::vector<std::string> temps_;
};

}  // namespace jsift
