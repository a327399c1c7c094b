#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>

#include "jsift/error.hpp"
#include "jsift/io/interrupt.hpp"
#include "jsift/engine/ordered_commit.hpp"
#include "temp_dir.hpp"

using namespace jsift;

namespace {

struct order_job : chunk_job {
  struct res : result {
    uint64_t seq;
    size_t bytes;
  };
  std::vector<uint64_t> committed;
  std::atomic<int> running{0}, peak{0};
  uint64_t throw_at = UINT64_MAX;
  std::unique_ptr<result> process(const chunk& c) override {
    int now = ++running;
    int p = peak.load();
    while (now > p && !peak.compare_exchange_weak(p, now)) {
    }
    // uneven work so chunks finish out of order
    std::this_thread::sleep_for(std::chrono::microseconds((c.seq * 7919) % 300));
    --running;
    if (c.seq == throw_at) throw std::runtime_error("boom");
    auto r = std::make_unique<res>();
    r->seq = c.seq;
    r->bytes = c.data.size();
    return r;
  }
  void commit(const chunk& c, result& r) override {
    CHECK(static_cast<res&>(r).seq == c.seq);
    committed.push_back(c.seq);
  }
};

std::string many_lines() {
  std::string s;
  for (int i = 0; i < 3000; ++i) s += "{\"i\":" + std::to_string(i) + "}\n";
  return s;
}

}  // namespace

TEST_CASE("chunks commit in input order whatever the thread count") {
  temp_dir d;
  auto p = d.write("x.jsonl", many_lines());
  for (unsigned threads : {1u, 2u, 8u}) {
    INFO("threads=" << threads);
    chunk_reader r({{p}}, {256, 1 << 20, true});
    order_job job;
    run_ordered(r, job, {threads, 0, {}});
    REQUIRE(job.committed.size() > 100);
    for (size_t i = 0; i < job.committed.size(); ++i) CHECK(job.committed[i] == i);
    CHECK(job.peak.load() <= int(threads));
  }
}

TEST_CASE("a worker's exception stops the pipeline and propagates") {
  temp_dir d;
  auto p = d.write("x.jsonl", many_lines());
  chunk_reader r({{p}}, {256, 1 << 20, true});
  order_job job;
  job.throw_at = 20;
  CHECK_THROWS_WITH(run_ordered(r, job, {4, 0, {}}), "boom");
  CHECK(job.committed.size() == 20);
}

TEST_CASE("an interrupt request stops the pipeline between chunks") {
  temp_dir d;
  auto p = d.write("x.jsonl", many_lines());
  chunk_reader r({{p}}, {256, 1 << 20, true});
  struct stop_job : order_job {
    void commit(const chunk& c, result& r) override {
      order_job::commit(c, r);
      if (c.seq == 5) interrupt::request();
    }
  } job;
  CHECK_THROWS_AS(run_ordered(r, job, {2, 0, {}}), interrupted);
  interrupt::reset();
  CHECK(job.committed.size() >= 6);
  CHECK(job.committed.size() < 100);
}
