#include "jsift/io/interrupt.hpp"

#include <atomic>
#include <csignal>
#include <cstring>

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

bool requested() noexcept { return flag.load(std::memory_order_relaxed); }
void check() {
  if (requested()) throw interrupted();
}
void request() noexcept { flag.store(true, std::memory_order_relaxed); }
void reset() noexcept { flag.store(false, std::memory_order_relaxed); }

}  // namespace jsift::interrupt
