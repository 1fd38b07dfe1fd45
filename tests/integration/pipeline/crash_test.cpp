// Crash safety (issue 7): worker processes SIGKILLed 50 times in all (18
// embedded, 32 distributed), at every named failpoint (CURATOR_FAILPOINT, twice each) and at
// random moments (seeded; the seed is printed, CURATOR_CRASH_SEED replays
// it), while the batch keeps fresh uploads in reach. Then a surviving worker
// finishes: every upload is completed, its file is on the wiki exactly once
// (files by SHA-1), its structured data was not added twice, its page had its
// null edit, and no row is left in_progress or holding a token.
#include <doctest/doctest.h>

#include <cstdlib>
#include <map>
#include <numeric>
#include <random>

#include "child.hpp"
#include "curator/mediawiki/titles.hpp"

using namespace curator;
using namespace curator::pipeline;
using namespace curator::pipeline::e2e;

namespace {

const std::vector<std::string> kFailpoints{"claim", "download", "lock", "chunk",
                                           "stash", "publish",  "sdc",  "status"};
// 50 in all. Each failpoint is planned twice in both modes; the distributed
// mode, with three worker processes at once, takes most of the random kills
// (the embedded mode runs one worker process at a time: its kills cost more).
constexpr int kEmbeddedKills = 18;
constexpr int kDistributedKills = 32;
constexpr std::uint64_t kImageBytes = 150 * 1024;  // three 64 KiB chunks: two chunk arrivals
constexpr std::size_t kFreshInReach = 2;

std::uint64_t crash_seed() {
  if (const char* s = std::getenv("CURATOR_CRASH_SEED"); s != nullptr && *s != '\0') {
    return std::strtoull(s, nullptr, 10);
  }
  return std::random_device{}();
}

struct Planned {
  std::string failpoint;  // "<step>[:n]"; empty: killed from outside after `after`
  std::chrono::milliseconds after{0};
};

/// Every failpoint twice, the rest random moments, in a seeded order.
std::vector<Planned> kill_plan(std::mt19937_64& rng, int kills) {
  std::vector<Planned> plan;
  for (int round = 0; round < 2; ++round) {
    for (const auto& p : kFailpoints) {
      const auto n = p == "chunk" ? std::uniform_int_distribution<int>(1, 2)(rng) : 1;
      plan.push_back({n == 1 ? p : p + ":" + std::to_string(n), {}});
    }
  }
  std::uniform_int_distribution<int> moment(200, 2500);
  while (plan.size() < static_cast<std::size_t>(kills))
    plan.push_back({"", std::chrono::milliseconds(moment(rng))});
  std::shuffle(plan.begin(), plan.end(), rng);
  return plan;
}

struct Tally {
  std::map<std::string, int> fired;  // by step name, as the child's log says
  int random = 0;
  int missed = 0;  // a failpoint not reached in time: killed from outside
  int total() const {
    return std::accumulate(fired.begin(), fired.end(), random + missed,
                           [](int sum, const auto& e) { return sum + e.second; });
  }
};

class CrashRun {
 public:
  explicit CrashRun(World& w) : w_(w) {}

  std::vector<store::Id>& ids() { return ids_; }
  const std::vector<std::string>& titles() const { return titles_; }

  /// Schedules uploads until `kFreshInReach` never-tried ones are queued, so
  /// every failpoint stays reachable however far the batch has come.
  void top_up() {
    std::size_t fresh = 0;
    for (const auto id : ids_) {
      const auto row = w_.row(id);
      const auto& a = row.attempts.by_reason;
      fresh += row.status == UploadStatus::queued && std::accumulate(a.begin(), a.end(), 0) == 0;
    }
    std::vector<World::Upload> more;
    for (; fresh + more.size() < kFreshInReach;)
      more.push_back({w_.new_image(kImageBytes), unique_title("crash")});
    if (more.empty()) return;
    // One batch: the start-up recovery of every new worker checks one login
    // per (user, batch), so more batches would slow every start.
    if (userid_.empty()) {
      userid_ = w_.user_of(admin_login());
      batch_ = store::BatchRepository(w_.db()).create(userid_).id;
    }
    std::vector<store::NewUpload> items;
    for (const auto& u : more) {
      store::NewUpload n;
      n.key = u.image;
      n.collection = "seq-pipeline";
      n.filename = u.title;
      n.wikitext = "== {{int:filedesc}} ==\nCurator crash test of image " + u.image + "\n";
      n.labels = Label{"en", "Photo from Mapillary"};
      items.push_back(std::move(n));
      titles_.push_back(u.title);
    }
    const auto added = w_.pipeline(crash_options())
                           .scheduler()
                           .schedule_at_rate(batch_, userid_, "mapillary", admin_login(),
                                             std::move(items), queue::kNoRateLimit);
    ids_.insert(ids_.end(), added.begin(), added.end());
  }

  /// Runs the plan with up to `parallel` worker processes at once.
  Tally kill(const std::vector<Planned>& plan, std::size_t parallel) {
    struct Running {
      std::unique_ptr<ChildWorker> child;
      Planned planned;
      std::chrono::steady_clock::time_point deadline;
    };
    Tally tally;
    std::vector<Running> running;
    std::size_t next = 0, spawned = 0;
    while (next < plan.size() || !running.empty()) {
      while (next < plan.size() && running.size() < parallel) {
        top_up();
        const auto& p = plan[next++];
        ChildOptions o;
        o.name = "crash-" + std::to_string(++spawned);
        o.profile = "crash";
        if (!p.failpoint.empty()) o.env.push_back("CURATOR_FAILPOINT=" + p.failpoint);
        // A failpoint child that never gets there is killed after a while.
        const auto limit = p.failpoint.empty() ? p.after : std::chrono::milliseconds(20000);
        running.push_back(
            {std::make_unique<ChildWorker>(w_, o), p, std::chrono::steady_clock::now() + limit});
      }
      test::wait_until(
          [&] {
            for (auto& r : running)
              if (!r.child->alive() || std::chrono::steady_clock::now() >= r.deadline) return true;
            return false;
          },
          30s, 10ms);
      std::erase_if(running, [&](Running& r) {
        if (r.child->alive()) {
          if (std::chrono::steady_clock::now() < r.deadline) return false;
          r.child->kill();
          if (r.planned.failpoint.empty()) {
            ++tally.random;
          } else {
            ++tally.missed;
            MESSAGE("failpoint " << r.planned.failpoint << " not reached in 20 s");
          }
          return true;
        }
        const auto log = r.child->log_text();
        CAPTURE(log);
        REQUIRE_MESSAGE(r.child->killed_itself(), "a worker process ended on its own");
        REQUIRE(!r.planned.failpoint.empty());
        const auto step = r.planned.failpoint.substr(0, r.planned.failpoint.find(':'));
        CHECK(log.find("failpoint " + step + " reached: SIGKILL") != std::string::npos);
        ++tally.fired[step];
        return true;
      });
    }
    return tally;
  }

 private:
  World& w_;
  std::string userid_;
  store::Id batch_ = 0;
  std::vector<store::Id> ids_;
  std::vector<std::string> titles_;
};

int null_edits_of(World& w, const std::string& title) {
  int n = 0;
  for (const auto& e : w.proxy().requests("edit")) {
    const auto& p = e.as_object().at("params").as_object();
    const auto* t = p.if_contains("title");
    if (t == nullptr || !p.contains("appendtext")) continue;
    std::string_view name = t->as_string();
    if (name.starts_with("File:")) name.remove_prefix(5);
    n += mediawiki::same_file_name(name, title) ? 1 : 0;
  }
  return n;
}

}  // namespace

TEST_CASE_TEMPLATE("crash: worker processes SIGKILLed at failpoints and at random moments", M,
                   Embedded, Distributed) {
  const auto started = std::chrono::steady_clock::now();
  const auto seed = crash_seed();
  MESSAGE(std::string(to_string(M::kMode))
          << " crash test seed " << seed << " (CURATOR_CRASH_SEED replays)");
  std::mt19937_64 rng(seed);
  World w(M::kMode);
  w.config().workers = 4;  // the survivor's threads (each child runs one)
  CrashRun run(w);
  run.top_up();
  // Embedded: one worker process per database (the worker lock); distributed:
  // three at once, so kills land while others work and lead.
  const bool embedded = M::kMode == Mode::embedded;
  const int kills = embedded ? kEmbeddedKills : kDistributedKills;
  const auto tally = run.kill(kill_plan(rng, kills), embedded ? 1 : 3);
  const auto killed_at = std::chrono::steady_clock::now();

  CHECK(tally.total() == kills);
  for (const auto& p : kFailpoints) {
    CAPTURE(p);
    CHECK(tally.fired.contains(p));  // planned twice; reached at least once
  }

  // The survivor: this process's pipeline finishes whatever is left.
  w.pipeline(crash_options()).start();
  auto client = w.wiki();
  int publishes = 0;
  for (std::size_t i = 0; i < run.ids().size(); ++i) {
    const auto& title = run.titles()[i];
    CAPTURE(title);
    const auto row = w.wait_terminal(run.ids()[i], 90s);
    CHECK(row.status == UploadStatus::completed);
    CHECK(row.success.has_value());
    CHECK_FALSE(row.access_token.has_value());
    CHECK_FALSE(row.lease_owner.has_value());
    // On the wiki exactly once: one file with these bytes, under this title.
    const auto info = client.image_info(title);
    REQUIRE(info.has_value());
    const auto same_bytes = client.find_files_by_sha1(info->sha1);
    REQUIRE(same_bytes.size() == 1);
    CHECK(mediawiki::same_file_name(same_bytes[0].name, title));
    CHECK(info->size == kImageBytes);
    // Structured data applied once, however often the SDC step was resumed.
    const auto entity = client.entity_by_title("commonswiki", mediawiki::file_title(title));
    REQUIRE(entity.state == mediawiki::Entity::State::exists);
    REQUIRE(entity.statements.contains("P1947"));
    CHECK(entity.statements.at("P1947").as_array().size() == 1);
    CHECK(entity.labels.at("en") == "Photo from Mapillary");
    // The page was re-rendered after its SDC, even when a kill came in between.
    CHECK(null_edits_of(w, title) >= 1);
    publishes += w.publishes_of(title);
  }
  w.pipeline().stop();
  const auto done = std::chrono::steady_clock::now();
  std::string fired;
  for (const auto& [step, n] : tally.fired)
    fired += " " + step + "=" + std::to_string(n);
  MESSAGE(std::string(to_string(M::kMode))
          << ": " << tally.total() << " kills (failpoints" << fired << ", random " << tally.random
          << ", missed " << tally.missed << ") over " << run.ids().size() << " uploads, "
          << publishes << " publish requests; kills took "
          << std::chrono::duration<double>(killed_at - started).count() << " s, the survivor "
          << std::chrono::duration<double>(done - killed_at).count() << " s");
}
