#include <catch2/catch.hpp>

#include "jsift/error.hpp"
#include "jsift/stages/selection_planner.hpp"

using namespace jsift;
using kind = quota_request::kind;

namespace {
// A fake survey over fixed records: group -> keys 0..n-1; records every ask.
struct fake_survey {
  std::map<std::string, uint64_t> sizes;
  std::vector<survey_request> asked;
  bottom_k operator()(const survey_request& r) {
    asked.push_back(r);
    bottom_k b(r.k, r.default_k);
    for (auto& [g, n] : sizes) {
      b.count(g, n);
      for (uint64_t h = 0; h < n; ++h) b.offer(g, sel_key{h, 0, h});
    }
    return b;
  }
};

uint64_t emitted(const planned_selection& p, const std::map<std::string, uint64_t>& sizes) {
  uint64_t n = 0;
  for (auto& [g, size] : sizes)
    for (uint64_t h = 0; h < size; ++h) n += p.plan.copies(g, sel_key{h, 0, h});
  return n;
}
}  // namespace

TEST_CASE("planner: --cap-all needs one survey that counts and finds thresholds together") {
  fake_survey s{{{"a", 100}, {"b", 5}}, {}};
  quota_request r;
  r.mode = kind::cap_all;
  r.cap_all = 10;
  auto p = plan_selection(r, std::ref(s));
  CHECK(p.surveys == 1);
  REQUIRE(s.asked.size() == 1);
  CHECK(s.asked[0].default_k == 10);
  CHECK(p.quotas["a"].keep == 10);
  CHECK(p.quotas["b"].keep == 5);
  CHECK(emitted(p, s.sizes) == 15);
}

TEST_CASE("planner: --target counts first, then asks only for the groups it cuts") {
  fake_survey s{{{"chat", 600}, {"qa", 300}, {"pref", 100}}, {}};
  quota_request r;
  r.mode = kind::target;
  r.shares = {{"chat", 0.5}, {"qa", 0.3}, {"pref", 0.2}};
  auto p = plan_selection(r, std::ref(s));
  CHECK(p.surveys == 2);
  REQUIRE(s.asked.size() == 2);
  CHECK(s.asked[0].k.empty());
  CHECK(s.asked[0].default_k == 0);  // counting only
  CHECK(s.asked[1].k.at("chat") == 250);
  CHECK(s.asked[1].k.at("pref") == 0);  // kept whole: no threshold needed
  CHECK(emitted(p, s.sizes) == 500);
}

TEST_CASE("planner: --cap asks for the named groups only; --equal counts first") {
  fake_survey s{{{"a", 50}, {"b", 20}}, {}};
  quota_request r;
  r.mode = kind::cap;
  r.caps = {{"a", 7}};
  r.others = others_policy::keep;
  auto p = plan_selection(r, std::ref(s));
  CHECK(p.surveys == 1);
  CHECK(s.asked[0].k.at("a") == 7);
  CHECK(emitted(p, s.sizes) == 27);
  fake_survey e{{{"a", 50}, {"b", 20}}, {}};
  quota_request eq;
  eq.mode = kind::equal;
  auto pe = plan_selection(eq, std::ref(e));
  CHECK(pe.surveys == 2);
  CHECK(emitted(pe, e.sizes) == 40);
}

TEST_CASE("planner: an infeasible request is an option error") {
  fake_survey s{{{"a", 5}}, {}};
  quota_request r;
  r.mode = kind::target;
  r.shares = {{"a", 0.5}, {"missing", 0.5}};
  CHECK_THROWS_AS(plan_selection(r, std::ref(s)), option_error);
}
