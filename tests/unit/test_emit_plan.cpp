#include <catch2/catch.hpp>

#include "jsift/stages/emit_plan.hpp"

using namespace jsift;

TEST_CASE("emit plan: whole groups, cut groups, upsampled groups, unknown groups") {
  std::map<std::string, quota> q;
  q["all"] = {10, 10, std::nullopt};
  q["cut"] = {10, 4, std::nullopt};
  q["up"] = {10, 25, std::nullopt};
  q["none"] = {10, 0, std::nullopt};
  auto k = threshold_sizes(q);
  CHECK(k["all"] == 0);
  CHECK(k["cut"] == 4);
  CHECK(k["up"] == 5);  // 25 = 2 x 10 + 5: the 5 smallest get a third copy
  CHECK(k["none"] == 0);
  std::map<std::string, sel_key> thresholds{{"cut", sel_key{40, 0, 0}}, {"up", sel_key{50, 0, 0}}};
  emit_plan p(q, thresholds);
  CHECK(p.copies("all", sel_key{999, 0, 0}) == 1);
  CHECK(p.copies("cut", sel_key{40, 0, 0}) == 1);
  CHECK(p.copies("cut", sel_key{41, 0, 0}) == 0);
  CHECK(p.copies("up", sel_key{10, 0, 0}) == 3);
  CHECK(p.copies("up", sel_key{60, 0, 0}) == 2);
  CHECK(p.copies("none", sel_key{0, 0, 0}) == 0);
  CHECK(p.copies("unknown", sel_key{0, 0, 0}) == 0);
  CHECK(emit_plan().copies("all", sel_key{}) == 0);
}

TEST_CASE("emit plan: quotas are met exactly over the group's keys") {
  std::map<std::string, quota> q;
  q["g"] = {100, 237, std::nullopt};
  auto k = threshold_sizes(q);
  std::map<std::string, sel_key> t{{"g", sel_key{k["g"] - 1, 0, 0}}};  // keys 0..99: the k-th smallest is k-1
  emit_plan p(q, t);
  uint64_t total = 0;
  for (uint64_t h = 0; h < 100; ++h) total += p.copies("g", sel_key{h, 0, 0});
  CHECK(total == 237);
}
