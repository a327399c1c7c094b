// jsift/io/interrupt.hpp — SIGINT/SIGTERM become a flag checked at safe points.
//
// install() sets handlers (without SA_RESTART, so a blocked read or write
// returns EINTR and sees the flag) and ignores SIGPIPE, so a closed stdout
// arrives as EPIPE. check() throws jsift::interrupted once a signal came.
// The flag is a lock-free atomic: safe from any thread and from the handler.
#pragma once

#include <atomic>
#include <pthread.h>

namespace jsift::interrupt {

void install();
bool requested() noexcept;
void check();           // throws interrupted if requested(), or if this thread was told to stop
// Makes check() on the calling thread also throw once *stop is true (a
// background thread abandoned mid-read or mid-write); null to forget it.
void stop_this_thread_on(const std::atomic<bool>* stop) noexcept;
// Ends a blocking read or write on `thread` (it returns EINTR or a short
// count, and the thread's next check() decides): a signal whose handler does
// nothing, installed once without SA_RESTART.
void wake(pthread_t thread) noexcept;
void request() noexcept;  // what the handler does; tests call it directly
void reset() noexcept;    // tests only

}  // namespace jsift::interrupt
