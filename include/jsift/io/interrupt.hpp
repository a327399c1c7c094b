// jsift/io/interrupt.hpp — SIGINT/SIGTERM become a flag checked at safe points.
//
// install() sets handlers (without SA_RESTART, so a blocked read or write
// returns EINTR and sees the flag) and ignores SIGPIPE, so a closed stdout
// arrives as EPIPE. check() throws jsift::interrupted once a signal came.
// The flag is a lock-free atomic: safe from any thread and from the handler.
#pragma once

namespace jsift::interrupt {

void install();
bool requested() noexcept;
void check();           // throws interrupted if requested()
void request() noexcept;  // what the handler does; tests call it directly
void reset() noexcept;    // tests only

}  // namespace jsift::interrupt
