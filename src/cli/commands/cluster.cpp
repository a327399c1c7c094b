// `jsift cluster --engine local --tasks N --workdir DIR -- COMMAND ARGS...`:
// one command run as N tasks (--tasks N --task I), each a process of this
// binary writing its part into DIR, then the parts joined into the result of
// one run: record commands' outputs concatenated in task order, stats'
// partials merged (jsift merge). A task that ended well leaves a marker
// (DIR/task-I.done, holding the command line), so a rerun over the same
// DIR redoes only the tasks without one; a task that fails stops the run
// with its exit code and the name of its log.
#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <csignal>
#include <dirent.h>
#include <filesystem>
#include <fcntl.h>
#include <map>
#include <optional>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include <fmt/format.h>
#include <simdjson.h>

#include "../command.hpp"
#include "../terminal.hpp"
#include "jsift/engine/record_job.hpp"
#include "jsift/error.hpp"
#include "jsift/io/input_list.hpp"
#include "jsift/io/interrupt.hpp"
#include "jsift/io/json_writer.hpp"
#include "jsift/io/output_file.hpp"
#include "jsift/io/sys.hpp"
#include "jsift/io/units.hpp"
#include "jsift/config/gate_config.hpp"
#include "jsift/config/pipeline_config.hpp"
#include "jsift/jobs/hub_manifest.hpp"
#include "jsift/jobs/shard_job.hpp"

extern char** environ;

namespace jsift::cli {
namespace {

enum class engine { local, slurm, dask };

// The commands a cluster runs, and how their tasks' parts join.
enum class joining { concatenate, merge, dedup, select, split, shards, pipeline };
const std::map<std::string, joining> runnable = {
    {"filter", joining::concatenate}, {"set", joining::concatenate},   {"cut", joining::concatenate},
    {"explode", joining::concatenate}, {"window", joining::concatenate}, {"convert", joining::concatenate},
    {"stats", joining::merge},         {"gate", joining::merge},      {"diversity", joining::merge},      {"dedup", joining::dedup},     {"rebalance", joining::select},
    {"sample", joining::select},       {"split", joining::split},     {"shard", joining::shards},     {"run", joining::pipeline},
};

// The files in order into `out`; their bytes.
uint64_t concatenate(const std::vector<std::string>& files, output_file& out) {
  uint64_t bytes = 0;
  std::vector<char> buf(size_t(1) << 20);
  for (const auto& p : files) {
    const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw std::system_error(errno, std::generic_category(), fmt::format("cannot open '{}'", p));
    for (;;) {
      const ssize_t n = ::read(fd, buf.data(), buf.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        const int e = errno;
        ::close(fd);
        throw std::system_error(e, std::generic_category(), fmt::format("cannot read '{}'", p));
      }
      if (n == 0) break;
      interrupt::check();
      out.write(std::string_view(buf.data(), size_t(n)));
      bytes += uint64_t(n);
    }
    ::close(fd);
  }
  return bytes;
}

std::string read_text(const std::string& path) {
  std::string out;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return out;
  char buf[4096];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) out.append(buf, size_t(n));
  ::close(fd);
  return out;
}

// Creates the directory unless it exists; returns its path.
std::string make_dir(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST)
    throw std::system_error(errno, std::generic_category(), fmt::format("cannot create '{}'", dir));
  return dir;
}

std::string self_path() {
  char buf[4096];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) throw std::system_error(errno, std::generic_category(), "cannot find this jsift's own binary");
  return std::string(buf, size_t(n));
}

// Takes `--name VALUE`, `--name=VALUE` (and `-x VALUE`, `-xVALUE` for a
// short name) out of args; returns the value, "" when absent.
std::string take_option(std::vector<std::string>& args, const std::string& long_name, const std::string& short_name = "") {
  std::string value;
  for (size_t i = 0; i < args.size();) {
    const std::string& a = args[i];
    if (a == "--") break;
    if (a == long_name || (!short_name.empty() && a == short_name)) {
      if (i + 1 >= args.size()) throw usage_error(fmt::format("cluster: {} needs a value", a));
      value = args[i + 1];
      args.erase(args.begin() + ptrdiff_t(i), args.begin() + ptrdiff_t(i) + 2);
    } else if (a.rfind(long_name + "=", 0) == 0) {
      value = a.substr(long_name.size() + 1);
      args.erase(args.begin() + ptrdiff_t(i));
    } else if (!short_name.empty() && a.size() > 2 && a.rfind(short_name, 0) == 0 && a[1] != '-') {
      value = a.substr(2);
      args.erase(args.begin() + ptrdiff_t(i));
    } else {
      ++i;
    }
  }
  return value;
}

bool has_option(const std::vector<std::string>& args, const std::string& long_name, const std::string& short_name = "") {
  for (const auto& a : args) {
    if (a == "--") break;
    if (a == long_name || a.rfind(long_name + "=", 0) == 0) return true;
    if (!short_name.empty() && a.rfind(short_name, 0) == 0 && (a.size() == 2 || a[1] != '-')) return true;
  }
  return false;
}

// A command's arguments cut by its own flags into its inputs and its
// options (each with its value, as given).
struct command_args {
  std::vector<std::string> inputs;
  std::vector<std::vector<std::string>> options;
  // The options named (long or short names), each with its value.
  std::vector<std::string> only(std::initializer_list<const char*> names) const {
    std::vector<std::string> out;
    for (const auto& o : options)
      for (const char* n : names)
        if (o[0] == n || o[0].rfind(std::string(n) + "=", 0) == 0) out.insert(out.end(), o.begin(), o.end());
    return out;
  }
};

command_args cut_command_args(const std::string& name, const std::vector<std::string>& args) {
  flag_list flags;
  for (auto& c : command_table())
    if (c->info().name == name) c->define(flags);
  auto find = [&](const std::string& a) -> const flag* {
    for (const auto& f : flags.all()) {
      if (f.positional) continue;
      if (a == f.long_name() || (!f.short_name().empty() && a == f.short_name())) return &f;
    }
    return nullptr;
  };
  command_args out;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.size() < 2 || a[0] != '-') {
      out.inputs.push_back(a);
      continue;
    }
    const flag* f = find(a.substr(0, a.find('=')));
    if (f && !f->value_name.empty() && a.find('=') == std::string::npos && i + 1 < args.size()) {
      out.options.push_back({a, args[i + 1]});
      ++i;
    } else {
      out.options.push_back({a});
    }
  }
  return out;
}

// Runs argv (stdout and stderr this process's) and returns its exit code
// (130 when SIGINT or SIGTERM ended it, 4 another signal).
int run_and_wait(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid;
  if (int e = posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ); e != 0)
    throw std::system_error(e, std::generic_category(), fmt::format("cannot run {}", args[0]));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) throw std::system_error(errno, std::generic_category(), fmt::format("cannot wait for {}", args[0]));
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  const int sig = WTERMSIG(status);
  return sig == SIGINT || sig == SIGTERM ? int(exit_code::interrupted) : int(exit_code::io);
}

struct task {
  size_t index;
  std::vector<std::string> argv;
  std::string log, done;
};

// Runs the tasks `parallel` at a time; returns when all ended, or, when one
// failed, once the running ones ended (then throws, naming the failed task
// of the lowest index, so the report does not depend on timing). SIGINT or
// SIGTERM stops starting tasks, passes SIGTERM on to the running ones and
// throws `interrupted` once they ended.
void run_local(const std::vector<task>& tasks, const std::string& label, uint64_t total, size_t parallel, const std::string& marker_text,
               bool quiet) {
  std::map<pid_t, const task*> running;
  size_t next = 0;
  const task* failed = nullptr;
  int failed_status = 0;
  bool stopping = false;
  auto start = [&](const task& t) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, t.log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<char*> argv;
    for (const auto& a : t.argv) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) throw std::system_error(rc, std::generic_category(), fmt::format("cannot start task {}", t.index));
    running[pid] = &t;
  };
  for (;;) {
    if (interrupt::requested() && !stopping) {
      stopping = true;
      for (auto& [p, t] : running) ::kill(p, SIGTERM);
    }
    while (!failed && !stopping && running.size() < parallel && next < tasks.size()) start(tasks[next++]);
    if (running.empty()) break;
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, WNOHANG);  // polled: a signal between the check above and a blocking wait would be missed
    if (pid == 0 || (pid < 0 && errno == EINTR)) {
      ::usleep(20 * 1000);
      continue;
    }
    if (pid < 0) throw std::system_error(errno, std::generic_category(), "waiting for the tasks");
    const auto it = running.find(pid);
    if (it == running.end()) continue;
    const task& t = *it->second;
    running.erase(it);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
      write_file_atomic(t.done, marker_text);
      if (!quiet) print_err(fmt::format("jsift cluster: {} {} of {} done\n", label, t.index, total));
    } else if (!failed || t.index < failed->index) {
      failed = &t;
      failed_status = status;
    }
  }
  if (stopping) throw interrupted();
  if (!failed) return;
  const int code = WIFEXITED(failed_status) ? WEXITSTATUS(failed_status) : int(exit_code::io);
  std::string log = read_text(failed->log);
  if (log.size() > 2000) log = "..." + log.substr(log.size() - 2000);
  throw task_failed(code, fmt::format("cluster: {} {} failed ({}); its log: {}\n{}", label, failed->index,
                                      WIFEXITED(failed_status) ? fmt::format("exit {}", code) : fmt::format("signal {}", WTERMSIG(failed_status)),
                                      failed->log, log));
}

// ---- Slurm: each stage one job array, chained with afterok ----

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Runs argv (a client command: sbatch, squeue, scancel): its stdout, its
// stderr in *err (when given), and its exit status in *status.
std::string capture(const std::vector<std::string>& argv, int* status, std::string* err = nullptr) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::system_error(errno, std::generic_category(), "pipe");
  char err_path[] = "/tmp/jsift-cluster-XXXXXX";
  const int err_fd = ::mkstemp(err_path);
  if (err_fd < 0) throw std::system_error(errno, std::generic_category(), "cannot create a temporary file");
  ::unlink(err_path);  // read back through err_fd
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err_fd, 2);
  posix_spawn_file_actions_addclose(&fa, fds[0]);
  std::vector<char*> cargv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, argv[0].c_str(), &fa, nullptr, cargv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  ::close(fds[1]);
  if (rc != 0) {
    ::close(fds[0]);
    ::close(err_fd);
    throw std::system_error(rc, std::generic_category(), fmt::format("cannot run {} (is Slurm's client installed?)", argv[0]));
  }
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    out.append(buf, size_t(n));
  }
  ::close(fds[0]);
  while (::waitpid(pid, status, 0) < 0 && errno == EINTR) {
  }
  if (err) {
    err->clear();
    for (ssize_t n; (n = ::pread(err_fd, buf, sizeof buf, off_t(err->size()))) > 0;) err->append(buf, size_t(n));
  }
  ::close(err_fd);
  return out;
}

// "0-3,5,9-10" for sorted indices.
std::string array_list(const std::vector<task>& tasks) {
  std::string out;
  for (size_t i = 0; i < tasks.size();) {
    size_t j = i;
    while (j + 1 < tasks.size() && tasks[j + 1].index == tasks[j].index + 1) ++j;
    out += (out.empty() ? "" : ",") + (i == j ? std::to_string(tasks[i].index) : fmt::format("{}-{}", tasks[i].index, tasks[j].index));
    i = j + 1;
  }
  return out;
}

class cluster_command final : public command {
 public:
  command_info info() const override {
    return {"cluster", "Run one command as N tasks on an engine, with the result of one run (local: a process pool)",
            "The command and its arguments follow `--`. Commands: filter, set, cut, explode, window, convert (the tasks' records "
            "concatenated in order into its -o), split (each split's file the tasks' in order), stats, diversity and gate (the tasks' partials merged; the gate's checks "
            "evaluated on them), "
            "dedup, exact or --near (three stages: keys, find, drop, and for --near --dups a one-task cluster stage; -o and --dups as "
            "one run's), rebalance and sample (surveys, then emit), "
            "shard (the tasks' shards under one manifest) and run (the pipeline cut into those stages, then its checks on the "
            "output). The tasks' parts and logs live in --workdir; "
            "a rerun over the same --workdir redoes only the tasks that did not finish. Example: jsift cluster --tasks 8 --workdir "
            "/tmp/w -- filter --turns 5..10 data/ -o kept.jsonl"};
  }
  void define(flag_list& f) override {
    f.choice("--engine", engine_, {{"local", engine::local}, {"slurm", engine::slurm}, {"dask", engine::dask}},
             "Where the tasks run: local (processes on this machine), slurm (job arrays submitted with sbatch, one per stage, "
             "chained with afterok) or dask (a dask.distributed client maps the tasks: --scheduler); this command waits for them")
        .shows_default("local");
    f.text("--scheduler", "ADDR", scheduler_,
           "With --engine dask: the scheduler's address (tcp://host:8786), or local: a LocalCluster of --parallel processes");
    f.texts("--sbatch", "ARG", sbatch_args_, "With --engine slurm: an option for every sbatch (repeatable), e.g. --sbatch=--partition=cpu");
    f.count("--tasks", "N", tasks_, "How many parts the input is cut into (by bytes on disk, whole lines)").required();
    f.text("--workdir", "DIR", workdir_, "Where the tasks' parts, logs and completion markers go (created)").dirs().required();
    f.count("--parallel", "P", parallel_, "Tasks run at once (default: every core, each task with -j 1 unless the command sets -j)");
    f.toggle("-q,--quiet", quiet_, "No progress lines on stderr");
    f.inputs(args_, "-- COMMAND ARGS...: the command to run");
  }
  int run(const invocation& inv) override {
    if (tasks_ == 0 || tasks_ > 100000) throw option_error("tasks", "expected 1 to 100000");
    std::vector<std::string> args = args_;
    if (args.empty()) throw usage_error("cluster: name the command after --, e.g. -- filter --turns 5..10 data/ -o out.jsonl");
    const std::string name = args.front();
    args.erase(args.begin());
    const auto how = runnable.find(name);
    if (how == runnable.end()) {
      std::string list;
      for (const auto& [n, j] : runnable) list += (list.empty() ? "" : ", ") + n;
      throw usage_error(fmt::format("cluster: cannot run `{}` as tasks yet (it can: {})", name, list));
    }
    for (const char* own : {"--tasks", "--task", "--partial", "--stage", "--workdir", "--range", "--ranges"})
      if (has_option(args, own)) throw usage_error(fmt::format("cluster: {} is the cluster's to set, not the command's", own));
    const std::string output = how->second != joining::merge ? take_option(args, "--output", "-o") : std::string();
    const std::string report = take_option(args, "--report");
    // A gate's results: jsift merge evaluates its checks and writes them.
    std::vector<std::string> gate_reports;
    for (const char* r : {"--report-json", "--report-md", "--junit"})
      if (name == "gate" || name == "run") {
        const std::string v = take_option(args, r);
        if (!v.empty()) gate_reports.insert(gate_reports.end(), {r, v});
      }
    if (name == "gate" && !report.empty()) throw usage_error("cluster: gate's results go to --report-json (or --report-md, --junit)");
    if (name == "gate") {  // its checks must merge: said before any task runs
      auto copy = args;
      if (const std::string config = take_option(copy, "--config"); !config.empty()) require_mergeable(load_gate_config(config));
    }
    const std::string html = name == "diversity" ? take_option(args, "--html") : std::string();  // the merge writes it
    std::string dups = how->second == joining::dedup ? take_option(args, "--dups") : std::string();
    bool near_dups = how->second == joining::dedup && has_option(args, "--near") && !dups.empty();  // a cluster stage writes them
    // run: the pipeline cut into stages (below), its output directory, --force.
    std::optional<pipeline_spec> spec;
    std::string final_dir, pipeline_config, shard_split;
    bool force = false;
    if (how->second == joining::pipeline) {
      auto copy = args;
      const std::string config = pipeline_config = take_option(copy, "--config");
      if (config.empty()) throw usage_error("cluster: run needs --config FILE");
      spec = load_pipeline(config);
      final_dir = output.empty() ? spec->output.dir : output;
      if (final_dir.empty()) throw usage_error(fmt::format("{}: no output directory: set [output] dir or give -o DIR", config));
      for (auto it = args.begin(); it != args.end();)
        if (*it == "--force") force = true, it = args.erase(it);
        else ++it;
      require_across_tasks(*spec, "cluster: " + config);
      if (spec->dedup) {
        dups = spec->dedup->seen.dups_path;
        near_dups = spec->dedup->near && !dups.empty();
      }
      require_mergeable(spec->gate);  // the checks run as gate --partial tasks
      std::error_code ec;
      if (!force && std::filesystem::is_directory(final_dir, ec) && !std::filesystem::is_empty(final_dir, ec))
        throw usage_error(fmt::format("'{}' is not empty (--force replaces what this run writes, once it is complete)", final_dir));
    }
    // A quarantine is the tasks' quarantines in order: each task writes its own.
    const std::string on_invalid = take_option(args, "--on-invalid");
    const bool quarantine = on_invalid.rfind("quarantine:", 0) == 0;
    if (!on_invalid.empty() && !quarantine) args.insert(args.begin(), {"--on-invalid", on_invalid});
    const std::string quarantine_path = quarantine ? on_invalid.substr(11) : std::string();
    if (quarantine && quarantine_path.empty()) throw usage_error("cluster: --on-invalid quarantine: needs a FILE");
    // The tasks write into the workdir, so their own check never sees the run's outputs: check them here.
    std::vector<std::pair<std::string, std::string>> outputs = {
        {"-o", how->second == joining::merge ? "-"
               : how->second == joining::split || how->second == joining::shards || how->second == joining::pipeline ? ""  // a directory
               : (output.empty() ? "-" : output)},
        {"--dups", dups},
        {"--report", report},
        {"--html", html},
        {"--on-invalid quarantine:", quarantine_path},
        {"the quarantine's sidecar", quarantine ? invalid_policy::parse(on_invalid).reasons_path() : std::string()}};
    for (size_t i = 0; i + 1 < gate_reports.size(); i += 2) outputs.emplace_back(gate_reports[i], gate_reports[i + 1]);
    check_distinct_outputs(outputs);
    const bool threads_given = has_option(args, "--threads", "-j");
    if (how->second == joining::split && output.empty()) throw usage_error("cluster: split needs -o DIR");
    if (how->second == joining::shards) {  // refused before any task runs, not at the join
      if (output.empty()) throw usage_error("cluster: shard needs -o DIR");
      const std::string split = take_option(args, "--split");
      if (!split.empty()) args.insert(args.end(), {"--split", split});
      shard_split = split.empty() ? "train" : split;
      check_shard_dir(output, shard_split, has_option(args, "--force"));
    }
    if (how->second != joining::merge && how->second != joining::pipeline && output.empty() && is_terminal(1))
      throw usage_error("cluster: the records would go to the terminal: give the command -o FILE or redirect stdout");

    make_dir(workdir_);
    if (char* abs = ::realpath(workdir_.c_str(), nullptr)) {  // Slurm's tasks may start elsewhere
      workdir_ = abs;
      std::free(abs);
    }
    // What the tasks run, said in every marker: a rerun reuses only the
    // tasks of the same run, over files of the same size and time.
    std::string marker = fmt::format("jsift {} cluster --tasks {} -- {}", JSIFT_VERSION, tasks_, name);
    for (const auto& a : args) marker += " " + a;
    if (quarantine) marker += " --on-invalid quarantine";
    if (!dups.empty()) marker += " --dups";  // drop tasks write their part of it
    marker += "\n";
    auto stamp = [&](const std::string& file) {
      struct stat sb;
      if (::stat(file.c_str(), &sb) == 0 && S_ISREG(sb.st_mode))
        marker += fmt::format("{} {} bytes, modified {}.{:09}\n", file, sb.st_size, sb.st_mtim.tv_sec, sb.st_mtim.tv_nsec);
    };
    const std::string self = self_path();
    stamp(self);  // another build of jsift redoes everything
    std::vector<std::string> globs;
    for (size_t i = 0; i + 1 < args.size(); ++i)
      if (args[i] == "--glob") globs.push_back(args[i + 1]);
      else if (args[i].rfind("--glob=", 0) == 0) globs.push_back(args[i].substr(7));
    std::vector<std::string> stamped = args;  // and the files a pipeline names: a changed reference set redoes the tasks
    if (spec && spec->dedup) stamped.insert(stamped.end(), spec->dedup->against.begin(), spec->dedup->against.end());
    for (const auto& a : stamped) {
      struct stat sb;
      if (::stat(a.c_str(), &sb) != 0) continue;
      if (S_ISDIR(sb.st_mode)) {
        try {
          for (const auto& f : expand_inputs({a}, nullptr, globs)) stamp(f.path);
        } catch (const usage_error&) {  // no data files: the command says so
        }
      } else
        stamp(a);
    }
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    const size_t parallel = size_t(std::min<uint64_t>(parallel_ ? parallel_ : cores, tasks_));
    const std::string threads = std::to_string(std::max<size_t>(1, cores / parallel));

    // The plan: stages of tasks, each a command of this binary; what the
    // last stage's tasks write is joined below.
    struct stage {
      std::string name;  // the tasks' file stem
      std::vector<task> tasks;
    };
    std::vector<stage> plan;
    std::vector<std::string> parts, dup_parts, last_stems;
    // What a stage's tasks write besides their files: a report each, the
    // quarantine (the stage that reads the input and writes records), or both (last).
    enum : int { w_plain = 0, w_reports = 1, w_quarantine = 2, w_last = 3 };
    std::vector<std::vector<std::string>> report_stages;  // the stems of each stage whose tasks write reports
    // `command`: the task's command and arguments (default: the command's own).
    auto add = [&](stage& st, uint64_t i, std::vector<std::string> extra, int writes = w_plain, const std::vector<std::string>* argv_of = nullptr) {
      task t;
      t.index = size_t(i);
      const std::string stem = fmt::format("{}/{}-{:05}", workdir_, st.name, i);
      t.log = stem + ".log";
      t.done = stem + ".done";
      t.argv = {self};
      if (argv_of) {
        t.argv.insert(t.argv.end(), argv_of->begin(), argv_of->end());
      } else {
        t.argv.push_back(name);
        t.argv.insert(t.argv.end(), args.begin(), args.end());
      }
      t.argv.insert(t.argv.end(), extra.begin(), extra.end());
      t.argv.push_back("--no-progress");
      if (quarantine) t.argv.insert(t.argv.end(), {"--on-invalid", writes & w_quarantine ? "quarantine:" + stem + ".quarantine" : std::string("skip")});
      if ((writes & w_reports) && how->second != joining::merge) {
        t.argv.insert(t.argv.end(), {"--report", stem + ".report.json"});
        if (i == 0) report_stages.emplace_back();
        report_stages.back().push_back(stem);
      }
      if (writes & w_quarantine) last_stems.push_back(stem);
      if (!threads_given && st.name != "find") t.argv.insert(t.argv.end(), {"-j", threads});
      st.tasks.push_back(std::move(t));
    };
    std::vector<std::string> tuning;  // with run: the options every stage takes (the first takes all)
    std::string gate_file;            // with run and [[check]]: its gate file, cut at plan time
    if (how->second == joining::pipeline) {  // the pipeline's parts as stages, each reading the files of the one before
      const pipeline_parts cut = cut_pipeline(pipeline_config);
      const std::string pdir = make_dir(workdir_ + "/pipeline");
      auto part_file = [&](const char* part, const std::string& text) {
        const std::string f = pdir + "/" + part + ".toml";
        write_file_atomic(f, text);
        return f;
      };
      if (!cut.gate.empty()) gate_file = part_file("gate", cut.gate);
      const command_args ca = cut_command_args("run", args);
      std::vector<std::string> first_options;
      for (const auto& o : ca.options)
        if (o[0] != "--config" && o[0].rfind("--config=", 0) != 0) first_options.insert(first_options.end(), o.begin(), o.end());
      tuning = ca.only({"--max-line-bytes", "--chunk-bytes", "--mmap", "--no-mmap", "-j", "--threads"});
      std::vector<std::string> inputs = ca.inputs;
      bool first = true;  // the stage reads the run's inputs
      auto command_for = [&](const std::string& file) {
        std::vector<std::string> c = {"run", "--config", file};
        const auto& opts = first ? first_options : tuning;
        c.insert(c.end(), opts.begin(), opts.end());
        c.insert(c.end(), inputs.begin(), inputs.end());
        return c;
      };
      const std::string n = std::to_string(tasks_);
      // A stage whose tasks write records into W/NAME-I/: the next stage's inputs.
      auto records_stage = [&](const std::string& stage_name, const std::vector<std::string>& argv_of, auto extra_of) {
        stage st{stage_name, {}};
        std::vector<std::string> next;
        for (uint64_t i = 0; i < tasks_; ++i) {
          const std::string dir = fmt::format("{}/{}-{:05}", workdir_, stage_name, i);
          add(st, i, extra_of(i, dir), first ? w_last : w_reports, &argv_of);
          next.push_back(dir + "/data.jsonl");
          parts.push_back(dir);
        }
        plan.push_back(std::move(st));
        inputs = next;
        first = false;
      };
      auto task_part = [&](uint64_t i, const std::string& dir) {
        return std::vector<std::string>{"--tasks", n, "--task", std::to_string(i), "-o", dir, "--force"};
      };
      if (!spec->dedup && !spec->rebalance) {
        records_stage("run", command_for(part_file("body", cut.body)), task_part);
      } else {
        if (!cut.pre.empty()) records_stage("pre", command_for(part_file("pre", cut.pre)), task_part);
        if (spec->dedup) {
          const std::string dir = make_dir(workdir_ + "/dedup");
          const auto argv_of = command_for(part_file("dedup", cut.dedup));
          stage keys{"keys", {}}, find{"find", {}};
          for (uint64_t i = 0; i < tasks_; ++i) {
            add(keys, i, {"--stage", "keys", "--tasks", n, "--task", std::to_string(i), "--workdir", dir}, w_plain, &argv_of);
            add(find, i, {"--stage", "find", "--tasks", n, "--range", std::to_string(i), "--workdir", dir}, w_plain, &argv_of);
            if (!dups.empty() && !near_dups) dup_parts.push_back(fmt::format("{}/drop-{:05}/dups.jsonl", workdir_, i));
          }
          plan.push_back(std::move(keys));
          plan.push_back(std::move(find));
          if (near_dups) {  // one task writes the dups of the whole input
            stage link{"cluster", {}};
            const std::string out = workdir_ + "/cluster-00000";
            add(link, 0, {"--stage", "cluster", "--tasks", n, "--workdir", dir, "-o", out}, w_plain, &argv_of);
            dup_parts.push_back(out + "/dups.jsonl");
            plan.push_back(std::move(link));
          }
          records_stage("drop", argv_of, [&](uint64_t i, const std::string& out) {
            return std::vector<std::string>{"--stage", "drop", "--tasks", n, "--task", std::to_string(i), "--workdir", dir, "-o", out};
          });
        }
        if (spec->rebalance) {
          const std::string dir = make_dir(workdir_ + "/select");
          const auto argv_of = command_for(part_file("rebalance", cut.rebalance));
          stage survey1{"survey1", {}}, survey2{"survey2", {}};
          for (uint64_t i = 0; i < tasks_; ++i) {
            for (auto* st : {&survey1, &survey2})
              add(*st, i, {"--stage", st->name, "--tasks", n, "--task", std::to_string(i), "--workdir", dir}, w_plain, &argv_of);
          }
          plan.push_back(std::move(survey1));
          plan.push_back(std::move(survey2));
          records_stage("emit", argv_of, [&](uint64_t i, const std::string& out) {
            return std::vector<std::string>{"--stage", "emit", "--tasks", n, "--task", std::to_string(i), "--workdir", dir, "-o", out};
          });
        }
        records_stage("post", command_for(part_file("post", cut.post)), task_part);
      }
    } else if (how->second == joining::select && !has_option(args, "--fraction")) {  // surveys, then emit (selection_run.hpp)
      const std::string dir = make_dir(workdir_ + "/select");
      const std::string n = std::to_string(tasks_);
      stage survey1{"survey1", {}}, survey2{"survey2", {}}, emit{"emit", {}};
      for (uint64_t i = 0; i < tasks_; ++i) {
        const std::vector<std::string> common = {"--tasks", n, "--task", std::to_string(i), "--workdir", dir, "--stage"};
        auto with = [&](const char* word) {
          auto v = common;
          v.push_back(word);
          return v;
        };
        add(survey1, i, with("survey1"));
        add(survey2, i, with("survey2"));
        parts.push_back(fmt::format("{}/emit-{:05}.jsonl", workdir_, i));
        auto e = with("emit");
        e.insert(e.end(), {"-o", parts.back()});
        add(emit, i, e, w_last);
      }
      plan = {std::move(survey1), std::move(survey2), std::move(emit)};
    } else if (how->second == joining::dedup) {  // three stages (jobs/dedup_stages.hpp)
      const std::string dir = make_dir(workdir_ + "/dedup");
      const std::string n = std::to_string(tasks_);
      stage keys{"keys", {}}, find{"find", {}}, link{"cluster", {}}, drop{"drop", {}};
      // With --near, the cluster stage (one task) writes the dups, and keys the signatures for it.
      const std::string near_dups_part = workdir_ + "/cluster-00000.dups";
      for (uint64_t i = 0; i < tasks_; ++i) {
        std::vector<std::string> keys_extra = {"--stage", "keys", "--tasks", n, "--task", std::to_string(i), "--workdir", dir};
        if (near_dups) keys_extra.insert(keys_extra.end(), {"--dups", near_dups_part});
        add(keys, i, keys_extra);
        add(find, i, {"--stage", "find", "--tasks", n, "--range", std::to_string(i), "--workdir", dir});
        const std::string stem = fmt::format("{}/drop-{:05}", workdir_, i);
        parts.push_back(stem + ".jsonl");
        std::vector<std::string> extra = {"--stage", "drop", "--tasks", n, "--task", std::to_string(i), "--workdir", dir, "-o", parts.back()};
        if (!dups.empty() && !near_dups) dup_parts.push_back(stem + ".dups"), extra.insert(extra.end(), {"--dups", dup_parts.back()});
        add(drop, i, extra, w_last);
      }
      if (near_dups) {
        add(link, 0, {"--stage", "cluster", "--tasks", n, "--workdir", dir, "--dups", near_dups_part});
        dup_parts.push_back(near_dups_part);
        plan = {std::move(keys), std::move(find), std::move(link), std::move(drop)};
      } else
        plan = {std::move(keys), std::move(find), std::move(drop)};
    } else {
      stage one{"task", {}};
      for (uint64_t i = 0; i < tasks_; ++i) {
        parts.push_back(fmt::format("{}/task-{:05}{}", workdir_, i,
                                    how->second == joining::merge    ? ".partial"
                                    : how->second == joining::split  ? ".split"
                                    : how->second == joining::shards ? ".shards"
                                                                     : ".jsonl"));
        add(one, i, {"--tasks", std::to_string(tasks_), "--task", std::to_string(i), how->second == joining::merge ? "--partial" : "-o", parts.back()},
            w_last);
      }
      plan = {std::move(one)};
    }
    // A stage reuses the tasks an earlier run finished, unless a stage before it ran again.
    bool upstream_ran = false;
    std::vector<std::vector<task>> todos;
    for (auto& st : plan) {
      std::vector<task> todo;
      for (auto& t : st.tasks)
        if (upstream_ran || read_text(t.done) != marker) {
          ::unlink(t.done.c_str());
          if (how->second == joining::split || how->second == joining::shards) {  // another run's files must not stay
            std::error_code ec;
            std::filesystem::remove_all(parts[t.index], ec);
          }
          todo.push_back(t);
        }
      if (!quiet_ && todo.size() < st.tasks.size())
        print_err(fmt::format("jsift cluster: {} of {} tasks already done in {}\n", st.tasks.size() - todo.size(), st.tasks.size(), workdir_));
      upstream_ran |= !todo.empty();
      todos.push_back(std::move(todo));
    }
    auto label = [](const stage& st) { return st.name == "task" ? std::string("task") : st.name + " task"; };
    auto run_plan = [&](const std::vector<stage>& stages, const std::vector<std::vector<task>>& todo) {
      if (engine_ == engine::local) {
        for (size_t k = 0; k < stages.size(); ++k) run_local(todo[k], label(stages[k]), stages[k].tasks.size(), parallel, marker, quiet_);
      } else if (engine_ == engine::slurm) {
        run_slurm(stages, todo, marker, label);
      } else {
        run_dask(stages, todo, marker, label, parallel);
      }
    };
    run_plan(plan, todos);

    // The quarantine and its sidecar: the tasks' in order.
    std::vector<std::unique_ptr<output_file>> quarantines;
    if (quarantine) {
      const std::string sidecar = invalid_policy::parse(on_invalid).reasons_path();
      std::vector<std::string> q, why;
      for (const auto& stem : last_stems) {
        q.push_back(stem + ".quarantine");
        if (::access((stem + ".quarantine.errors.jsonl").c_str(), F_OK) == 0) why.push_back(stem + ".quarantine.errors.jsonl");
      }
      quarantines.push_back(std::make_unique<output_file>(quarantine_path));
      concatenate(q, *quarantines.back());
      if (!sidecar.empty()) {
        quarantines.push_back(std::make_unique<output_file>(sidecar));
        concatenate(why, *quarantines.back());
      }
    }
    if (how->second == joining::merge) {  // jsift merge, in this process's place
      for (auto& q : quarantines) q->commit();
      std::vector<std::string> argv = {self, "merge"};
      for (const char* keep : {"--format"}) {
        const std::string v = take_option(args, keep);
        if (!v.empty()) argv.insert(argv.end(), {keep, v});
      }
      if (has_option(args, "--json")) argv.push_back("--json");
      if (has_option(args, "--md")) argv.push_back("--md");
      if (!html.empty()) argv.insert(argv.end(), {"--html", html});
      argv.insert(argv.end(), gate_reports.begin(), gate_reports.end());
      if (!report.empty()) argv.insert(argv.end(), {"--report", report});
      argv.insert(argv.end(), parts.begin(), parts.end());
      std::vector<char*> cargv;
      for (auto& a : argv) cargv.push_back(a.data());
      cargv.push_back(nullptr);
      ::execv(self.c_str(), cargv.data());
      throw std::system_error(errno, std::generic_category(), "cannot run jsift merge");
    }
    // Records (and --dups) concatenated in task order; the records' name last.
    std::unique_ptr<output_file> dups_out;
    if (!dups.empty()) {
      dups_out = std::make_unique<output_file>(dups);
      concatenate(dup_parts, *dups_out);
    }
    // Records: one output, or with split one per split name (the tasks' files of that name, in order).
    std::vector<std::unique_ptr<output_file>> outs;
    uint64_t bytes = 0;
    if (how->second == joining::shards) {  // one manifest over the tasks' shards, renamed globally
      bytes = join_shard_tasks(parts, output, has_option(args, "--force"), inv.argv, shard_split);
    } else if (how->second == joining::pipeline) {  // each split: the post tasks' files in order, or their shards joined
      const std::vector<std::string> post(parts.end() - ptrdiff_t(tasks_), parts.end());
      std::error_code ec;
      std::filesystem::create_directories(final_dir, ec);
      if (ec) throw std::system_error(ec, fmt::format("cannot create directory '{}'", final_dir));
      for (const auto& [split_name, share] : spec->split.ratios()) {
        if (spec->output.shard) {  // a non-empty directory was refused without --force before the tasks ran
          bytes += join_shard_tasks(post, final_dir, true, inv.argv, split_name);
          continue;
        }
        std::vector<std::string> files;
        for (const auto& p : post) files.push_back(p + "/" + split_name + ".jsonl");
        outs.push_back(std::make_unique<output_file>(final_dir + "/" + split_name + ".jsonl"));
        bytes += concatenate(files, *outs.back());
      }
    } else if (how->second == joining::split) {
      make_dir(output);
      std::vector<std::string> names;
      if (DIR* d = ::opendir(parts.front().c_str())) {
        while (dirent* e = ::readdir(d)) {
          const std::string n = e->d_name;
          if (n.size() > 6 && n.compare(n.size() - 6, 6, ".jsonl") == 0) names.push_back(n);
        }
        ::closedir(d);
      }
      std::sort(names.begin(), names.end());
      for (const auto& n : names) {
        std::vector<std::string> files;
        for (const auto& p : parts) files.push_back(p + "/" + n);
        outs.push_back(std::make_unique<output_file>(output + "/" + n));
        bytes += concatenate(files, *outs.back());
      }
    } else {
      outs.push_back(std::make_unique<output_file>(output.empty() ? "-" : output));
      bytes = concatenate(parts, *outs.back());
    }
    // Every line's disposition: the tasks' reports summed. With run, every
    // stage's: a line the first stage kept is the next stage's line, so
    // what each stage did not keep, and what the last kept, add up; but
    // the post stage ([split], [output]) reads records, the copies an
    // upsampling [rebalance] made among them: the lines it keeps are the
    // stage before's, less those it drops.
    std::map<std::string, uint64_t> dispositions;
    uint64_t lines = 0, input_bytes = 0, kept = 0;
    bool saw_kept = false;
    simdjson::dom::parser parser;
    for (size_t k = 0; k < report_stages.size(); ++k) {
      const bool first_stage = k == 0, post = k > 0 && k + 1 == report_stages.size();
      uint64_t stage_kept = 0, dropped = 0;
      for (const auto& stem : report_stages[k]) {
        const std::string path = stem + ".report.json";
        simdjson::dom::element r;
        if (parser.load(path).get(r) != simdjson::SUCCESS) throw data_error(fmt::format("{}: a task's report that does not parse", path));
        if (first_stage) lines += r["lines"].get_uint64().value_unsafe(), input_bytes += r["input_bytes"].get_uint64().value_unsafe();
        simdjson::dom::object d;
        if (r["dispositions"].get(d) == simdjson::SUCCESS)
          for (auto [key, value] : d) {
            const uint64_t n = value.get_uint64().value_unsafe();
            if (key == "kept") stage_kept += n, saw_kept = true;
            else if (key != "total") dispositions[std::string(key)] += n, dropped += n;
          }
      }
      kept = post ? (kept > dropped ? kept - dropped : 0) : stage_kept;
    }
    if (saw_kept) dispositions["kept"] += kept;
    for (auto& o : outs) o->commit();
    if (dups_out) dups_out->commit();
    for (auto& q : quarantines) q->commit();
    // run's [[check]] tables: gate --partial per task over what was written, then jsift merge.
    int rc = 0;
    if (how->second == joining::pipeline && !spec->gate.checks.empty()) {
      std::vector<std::string> written;
      const hub_manifest m = spec->output.shard ? hub_manifest::read(final_dir) : hub_manifest();
      for (const auto& [split_name, share] : spec->split.ratios()) {
        if (!spec->output.shard) written.push_back(final_dir + "/" + split_name + ".jsonl");
        else
          for (const auto& f : m.shard_files(split_name)) written.push_back(final_dir + "/" + f);
      }
      std::vector<std::string> gate_argv = {"gate", "--config", gate_file};
      gate_argv.insert(gate_argv.end(), tuning.begin(), tuning.end());
      gate_argv.insert(gate_argv.end(), written.begin(), written.end());
      stage g{"gate", {}};
      std::vector<std::string> partials;
      for (uint64_t i = 0; i < tasks_; ++i) {
        partials.push_back(fmt::format("{}/gate-{:05}.partial", workdir_, i));
        add(g, i, {"--tasks", std::to_string(tasks_), "--task", std::to_string(i), "--partial", partials.back()}, w_plain, &gate_argv);
      }
      for (const auto& t : g.tasks) ::unlink(t.done.c_str());  // what was written is new: always evaluated again
      std::vector<std::vector<task>> todo{g.tasks};
      std::vector<stage> gate_plan{std::move(g)};
      run_plan(gate_plan, todo);
      std::vector<std::string> argv = {self, "merge", "--title", spec->name.empty() ? "jsift run" : "jsift run: " + spec->name};
      argv.insert(argv.end(), gate_reports.begin(), gate_reports.end());
      argv.insert(argv.end(), partials.begin(), partials.end());
      rc = run_and_wait(argv);
    }
    const char* engine_name = engine_ == engine::local ? "local" : engine_ == engine::slurm ? "slurm" : "dask";
    if (!report.empty()) {
      json_writer w;
      w.begin_object();
      w.key("jsift_version").value(JSIFT_VERSION);
      w.key("command").value(name);
      w.key("engine").value(engine_name);
      w.key("tasks").value(tasks_);
      w.key("lines").value(lines);
      w.key("dispositions").begin_object();
      uint64_t total = 0;
      for (const auto& [k, n] : dispositions) w.key(k).value(n), total += n;
      w.key("total").value(total);
      w.end_object();
      w.key("input_bytes").value(input_bytes);
      w.key("output_bytes").value(bytes);
      w.key("task_reports").begin_array();
      for (const auto& stem : last_stems) w.value(stem + ".report.json");
      w.end_array();
      w.end_object();
      write_file_atomic(report, w.str() + "\n");
    }
    if (!quiet_) {
      std::string counts;
      for (const auto& [k, n] : dispositions) counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ", with_commas(n), k);
      print_err(fmt::format("jsift {}: {} tasks ({}): {}: {}; {} written\n", name, tasks_, engine_name, plural(lines, "line"), counts,
                            human_bytes(bytes)));
    }
    return rc;
  }

  // Submits the stages' tasks as job arrays chained with afterok, waits
  // until none is queued or running, then checks every task's marker: a
  // task without one failed (its exit code, written by its script) or was
  // killed or cancelled (exit 4).
  template <class Stage, class Label>
  void run_slurm(const std::vector<Stage>& plan, const std::vector<std::vector<task>>& todos, const std::string& marker, Label label) {
    const std::string marker_file = workdir_ + "/marker.txt";
    write_file_atomic(marker_file, marker);
    std::vector<std::string> jobs;
    std::string after;
    for (size_t k = 0; k < plan.size(); ++k) {
      if (todos[k].empty()) continue;
      for (const task& t : todos[k]) {
        std::string cmd;
        for (const auto& a : t.argv) cmd += (cmd.empty() ? "" : " ") + shell_quote(a);
        const std::string exit_file = t.done.substr(0, t.done.size() - 5) + ".exit";
        ::unlink(exit_file.c_str());
        write_file_atomic(t.done.substr(0, t.done.size() - 5) + ".sh",
                          fmt::format("#!/bin/sh\n# jsift cluster: {} {}\n{} 2> {}\nrc=$?\necho $rc > {}\n"
                                      "[ $rc -eq 0 ] && cp {} {} && mv {} {}\nexit $rc\n",
                                      label(plan[k]), t.index, cmd, shell_quote(t.log), shell_quote(exit_file), shell_quote(marker_file),
                                      shell_quote(t.done + ".tmp"), shell_quote(t.done + ".tmp"), shell_quote(t.done)));
      }
      const std::string script = fmt::format("{}/{}.sbatch", workdir_, plan[k].name);
      write_file_atomic(script, fmt::format("#!/bin/sh\nexec sh {}\"$(printf %05d \"$SLURM_ARRAY_TASK_ID\").sh\"\n",
                                            shell_quote(workdir_ + "/" + plan[k].name + "-")));
      std::vector<std::string> argv = {"sbatch", "--parsable", "--job-name=jsift-" + plan[k].name, "--array=" + array_list(todos[k]),
                                       fmt::format("--output={}/{}-%a.slurm.out", workdir_, plan[k].name)};
      // A failed task cancels the stages after it, whatever the cluster's DependencyParameters say.
      if (!after.empty()) argv.insert(argv.end(), {"--dependency=afterok:" + after, "--kill-on-invalid-dep=yes"});
      argv.insert(argv.end(), sbatch_args_.begin(), sbatch_args_.end());
      argv.push_back(script);
      int status = 0;
      std::string err;
      const std::string printed = capture(argv, &status, &err);
      // --parsable prints "id" or "id;cluster" as its last line (sites may print more before it).
      std::string id;
      for (size_t at = 0; at < printed.size();) {
        const size_t nl = std::min(printed.find('\n', at), printed.size());
        std::string line = printed.substr(at, nl - at);
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
        if (!line.empty()) id = line;
        at = nl + 1;
      }
      if (id.find(';') != std::string::npos) id = id.substr(0, id.find(';'));
      const bool numeric = !id.empty() && id.find_first_not_of("0123456789") == std::string::npos;
      if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !numeric) {
        for (const auto& j : jobs) capture({"scancel", j}, &status);
        throw std::system_error(EIO, std::generic_category(),
                                fmt::format("sbatch refused the {} stage: {}", plan[k].name, (err + printed).substr(0, 500)));
      }
      if (!quiet_) print_err(fmt::format("jsift cluster: {} stage submitted as Slurm job {} ({} tasks)\n", plan[k].name, id, todos[k].size()));
      jobs.push_back(id);
      after = id;
    }
    std::string ids;
    for (const auto& j : jobs) ids += (ids.empty() ? "" : ",") + j;
    auto cancel_all = [&] {
      int status = 0;
      for (const auto& j : jobs) capture({"scancel", j}, &status);
    };
    bool cancelled = false;
    for (unsigned errors = 0; !ids.empty();) {
      if (interrupt::requested()) {
        cancel_all();
        throw interrupted();
      }
      // A task that failed: the stages after it will not run; cancel them now.
      if (!cancelled)
        for (const auto& todo : todos)
          for (const task& t : todo) {
            const std::string code = read_text(t.done.substr(0, t.done.size() - 5) + ".exit");
            if (!code.empty() && std::atoi(code.c_str()) != 0 && !cancelled) cancel_all(), cancelled = true;
          }
      int status = 0;
      std::string err;
      const std::string queued = capture({"squeue", "-h", "-o", "%i", "-j", ids}, &status, &err);
      if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        if (queued.find_first_not_of(" \r\n") == std::string::npos) break;  // none queued or running
        errors = 0;
      } else if (err.find("Invalid job id") != std::string::npos) {
        break;  // the jobs have left the controller's memory: done
      } else if (++errors >= 120) {
        throw std::system_error(EIO, std::generic_category(), "squeue kept failing (" + err.substr(0, 200) + "); the jobs were left as they are");
      }
      ::usleep(500 * 1000);
    }
    check_markers(plan, todos, marker, label, "killed, cancelled or never run by Slurm");
  }

  // After an engine that reports nothing itself: every task must have its
  // marker; the first that has none failed with the exit code its runner
  // wrote beside its log (a negative one: the signal that ended it), or
  // never finished (`missing` says how).
  template <class Stage, class Label>
  void check_markers(const std::vector<Stage>& plan, const std::vector<std::vector<task>>& todos, const std::string& marker, Label label,
                     const std::string& missing) const {
    auto exit_of = [](const task& t) { return read_text(t.done.substr(0, t.done.size() - 5) + ".exit"); };
    auto fail_with = [&](size_t k, const task& t) {
      const std::string code_text = exit_of(t);
      const int written = code_text.empty() ? 0 : std::atoi(code_text.c_str());
      // 130 is jsift's own exit when interrupted; other codes past 128 are a shell's report of a signal.
      const bool signal = written < 0 || (written > 128 && written != 130);
      const int code = !code_text.empty() && !signal && written > 0 ? written : int(exit_code::io);
      const std::string what = code_text.empty() ? missing
                               : signal         ? fmt::format("signal {}", written < 0 ? -written : written - 128)
                                                : fmt::format("exit {}", written);
      std::string log = read_text(t.log);
      if (log.size() > 2000) log = "..." + log.substr(log.size() - 2000);
      throw task_failed(code, fmt::format("cluster: {} {} failed ({}); its log: {}\n{}", label(plan[k]), t.index, what, t.log, log));
    };
    // A task that failed by itself is the one to name (the ones cancelled or
    // killed after it are its consequence): the lowest of those first.
    for (size_t k = 0; k < plan.size(); ++k)
      for (const task& t : todos[k]) {
        const std::string code = exit_of(t);
        const int written = code.empty() ? 0 : std::atoi(code.c_str());
        if (read_text(t.done) != marker && written > 0 && (written < 128 || written == 130)) fail_with(k, t);
      }
    for (size_t k = 0; k < plan.size(); ++k)
      for (const task& t : todos[k]) {
        if (read_text(t.done) != marker) fail_with(k, t);
        if (!quiet_) print_err(fmt::format("jsift cluster: {} {} of {} done\n", label(plan[k]), t.index, plan[k].tasks.size()));
      }
  }

  // Dask: the plan as JSON for the adapter (python/jsift_dask.py, run with
  // Debian's /usr/bin/python3), which maps each stage's task commands over a
  // dask.distributed client and writes the same exit files and markers.
  template <class Stage, class Label>
  void run_dask(const std::vector<Stage>& plan, const std::vector<std::vector<task>>& todos, const std::string& marker, Label label,
                size_t workers) {
    const std::string marker_file = workdir_ + "/marker.txt";
    write_file_atomic(marker_file, marker);
    json_writer w;
    w.begin_object();
    w.key("marker").value(marker_file);
    w.key("workers").value(uint64_t(workers));
    w.key("stages").begin_array();
    for (size_t k = 0; k < plan.size(); ++k) {
      w.begin_object();
      w.key("name").value(label(plan[k]));
      w.key("tasks").begin_array();
      for (const task& t : todos[k]) {
        const std::string stem = t.done.substr(0, t.done.size() - 5);
        ::unlink((stem + ".exit").c_str());
        w.begin_object();
        w.key("index").value(uint64_t(t.index));
        w.key("argv").begin_array();
        for (const auto& a : t.argv) w.value(a);
        w.end_array();
        w.key("log").value(t.log);
        w.key("exit").value(stem + ".exit");
        w.key("done").value(t.done);
        w.end_object();
      }
      w.end_array();
      w.end_object();
    }
    w.end_array();
    w.end_object();
    const std::string plan_file = workdir_ + "/dask-plan.json";
    write_file_atomic(plan_file, w.str());
    const std::string adapter = dask_adapter();
    task runner;
    runner.index = 0;
    runner.argv = {"/usr/bin/python3", adapter, scheduler_.empty() ? "local" : scheduler_, plan_file};
    runner.log = workdir_ + "/dask.log";
    runner.done = workdir_ + "/dask.done";
    try {
      run_local({runner}, "the Dask adapter", 1, 1, marker, true);
    } catch (const task_failed& e) {
      throw task_failed(int(exit_code::io), fmt::format("{} (python3-distributed installed? scripts/setup.sh installs it)", e.what()));
    }
    check_markers(plan, todos, marker, label, "not run: the Dask run stopped before it");
  }

  static std::string dask_adapter() {
    if (const char* env = std::getenv("JSIFT_DASK_ADAPTER")) return env;
    const std::string self = self_path();
    const std::string dir = self.substr(0, self.rfind('/'));
    for (const std::string& p : {dir + "/../share/jsift/jsift_dask.py", dir + "/share/jsift_dask.py"})
      if (::access(p.c_str(), R_OK) == 0) return p;
    throw std::system_error(ENOENT, std::generic_category(), "cannot find jsift_dask.py beside jsift (set JSIFT_DASK_ADAPTER)");
  }

 private:
  engine engine_ = engine::local;
  std::vector<std::string> sbatch_args_;
  std::string scheduler_;
  uint64_t tasks_ = 0, parallel_ = 0;
  std::string workdir_;
  bool quiet_ = false;
  std::vector<std::string> args_;
};

}  // namespace

std::unique_ptr<command> make_cluster_command() { return std::make_unique<cluster_command>(); }

}  // namespace jsift::cli
