#include "jsift/io/interrupt.hpp"

#include <atomic>
#include <csignal>
#include <cstring>
#include <mutex>

#include "jsift/error.hpp"

namespace jsift::interrupt {
namespace {
std::atomic<bool> flag{false};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void on_signal(int) { flag.store(true, std::memory_order_relaxed); }
}  // namespace

void install() {
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: blocked reads/writes return EINTR
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
}

thread_local const std::atomic<bool>* thread_stop = nullptr;

bool requested() noexcept { return flag.load(std::memory_order_relaxed); }
void check() {
  if (requested() || (thread_stop && thread_stop->load(std::memory_order_relaxed))) throw interrupted();
}
void stop_this_thread_on(const std::atomic<bool>* stop) noexcept { thread_stop = stop; }

namespace {
constexpr int wake_signal = SIGUSR2;
extern "C" void on_wake(int) {}
}  // namespace

void wake(pthread_t thread) noexcept {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction sa;
    std::memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_wake;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  // no SA_RESTART
    sigaction(wake_signal, &sa, nullptr);
  });
  pthread_kill(thread, wake_signal);
}
void request() noexcept { flag.store(true, std::memory_order_relaxed); }
void reset() noexcept { flag.store(false, std::memory_order_relaxed); }

}  // namespace jsift::interrupt
