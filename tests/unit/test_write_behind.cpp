#include <catch2/catch.hpp>

#include <chrono>
#include <fcntl.h>
#include <future>
#include <stdexcept>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

#include "jsift/error.hpp"
#include "jsift/io/interrupt.hpp"
#include "jsift/io/sys.hpp"
#include "jsift/io/write_behind.hpp"

using namespace jsift;

TEST_CASE("write_behind runs tasks in the order given, off the caller's thread") {
  std::vector<int> order;
  std::thread::id caller = std::this_thread::get_id(), runner;
  {
    write_behind w(64);
    for (int i = 0; i < 1000; ++i)
      w.post(8, [&, i] {  // 8 tasks of bytes at most in flight: post() waits
        order.push_back(i);
        runner = std::this_thread::get_id();
      });
    w.drain();
    REQUIRE(order.size() == 1000);
  }
  for (int i = 0; i < 1000; ++i) REQUIRE(order[size_t(i)] == i);
  CHECK(runner != caller);
}

TEST_CASE("write_behind: a failed task stops the queue and the caller gets its error") {
  write_behind w(1 << 20);
  int ran = 0;
  std::promise<void> posted;  // the first task waits until all three are queued
  std::shared_future<void> all_posted = posted.get_future().share();
  w.post(1, [&, all_posted] {
    all_posted.wait();
    ++ran;
  });
  w.post(1, [] { throw std::runtime_error("disk full"); });
  w.post(1, [&] { ++ran; });
  posted.set_value();
  CHECK_THROWS_WITH(w.drain(), "disk full");
  CHECK(ran == 1);  // nothing after the failure ran
  CHECK_THROWS_WITH(w.post(1, [&] { ++ran; }), "disk full");
  CHECK(ran == 1);
}

TEST_CASE("write_behind: an interrupt ends a wait for room, and destruction stops a write blocked on a stalled pipe") {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  ::fcntl(fds[1], F_SETPIPE_SZ, 4096);
  const std::string big(1 << 20, 'x');  // far more than the pipe holds: the write blocks
  auto started = std::chrono::steady_clock::now();
  {
    write_behind w(16);
    w.post(16, [&] { sys::write_all(fds[1], big.data(), big.size(), "to the pipe"); });
    std::thread stopper([] {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      interrupt::request();  // what the SIGINT handler does
    });
    // No room until the blocked write ends: the wait sees the interrupt.
    CHECK_THROWS_AS(w.post(16, [] {}), interrupted);
    stopper.join();
    interrupt::reset();  // the destructor must stop the write on its own
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  CHECK(secs < 2.0);
  ::close(fds[0]);
  ::close(fds[1]);
}
