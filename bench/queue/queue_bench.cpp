// TaskQueue throughput and latency, in-process and on Redis.
//
//   queue_bench [--tasks N] [--redis redis://host:port/db]
//
// (or CURATOR_BENCH_REDIS_URL). For each implementation: publish one task
// per call, publish in batches, drain with 1 and 2 consumers (fetch + ack),
// and publish-to-fetch latency with a consumer already waiting. Tasks come
// from 10 users, so the round-robin path is exercised. Redis keys live under
// a random namespace that is deleted at the end.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "curator/core/ids.hpp"
#include "curator/queue/redis_client.hpp"
#include "curator/queue/task_queue.hpp"

using namespace curator::queue;
using Steady = std::chrono::steady_clock;

namespace {

double seconds_since(Steady::time_point start) {
  return std::chrono::duration<double>(Steady::now() - start).count();
}

std::vector<Task> make_tasks(int n) {
  std::vector<Task> tasks;
  tasks.reserve(static_cast<std::size_t>(n));
  for (int i = 1; i <= n; ++i) {
    tasks.push_back(Task{i, "user-" + std::to_string(i % 10), "0aF9bC3d2E1f", 0});
  }
  return tasks;
}

double drain(TaskQueue& q, int n, int consumers) {
  std::atomic<int> done{0};
  const auto start = Steady::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < consumers; ++c) {
    threads.emplace_back([&, c] {
      const auto name = "bench-" + std::to_string(c);
      while (done.load() < n) {
        auto d = q.fetch(name, std::chrono::milliseconds(50));
        if (d && q.ack(*d)) ++done;
      }
    });
  }
  for (auto& t : threads)
    t.join();
  return n / seconds_since(start);
}

void latency(TaskQueue& q, int samples, double& p50_ms, double& p99_ms) {
  std::vector<double> ms;
  std::atomic<long long> published_at{0};
  std::atomic<bool> ready{false};
  std::thread consumer([&] {
    for (int i = 0; i < samples; ++i) {
      ready.store(true);
      std::optional<Delivery> d;
      while (!d)
        d = q.fetch("latency", std::chrono::seconds(1));
      const auto now = Steady::now().time_since_epoch().count();
      ms.push_back(static_cast<double>(now - published_at.load()) / 1e6);
      q.ack(*d);
    }
  });
  for (int i = 0; i < samples; ++i) {
    while (!ready.exchange(false))
      std::this_thread::yield();
    // Let the consumer reach its wait (in Redis: its BLPOP) first.
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    published_at.store(Steady::now().time_since_epoch().count());
    q.publish(Task{i + 1, "latency-user", "", 0});
  }
  consumer.join();
  std::sort(ms.begin(), ms.end());
  p50_ms = ms[ms.size() / 2];
  p99_ms = ms[ms.size() * 99 / 100];
}

void run(const char* label, TaskQueue& q, int n) {
  const auto tasks = make_tasks(n);
  auto start = Steady::now();
  for (const auto& t : tasks)
    q.publish(t);
  const double publish_one = n / seconds_since(start);
  const double drain_two = drain(q, n, 2);

  start = Steady::now();
  q.publish(tasks);
  const double publish_batch = n / seconds_since(start);
  const double drain_one = drain(q, n, 1);

  double p50 = 0, p99 = 0;
  latency(q, 500, p50, p99);
  std::printf(
      "%-10s publish %8.0f tasks/s (one per call) %9.0f tasks/s (batches)\n"
      "%-10s drain   %8.0f tasks/s (1 consumer)   %9.0f tasks/s (2 consumers)\n"
      "%-10s latency p50 %.3f ms, p99 %.3f ms (publish to fetch, consumer waiting)\n",
      label, publish_one, publish_batch, label, drain_one, drain_two, label, p50, p99);
}

}  // namespace

int main(int argc, char** argv) {
  int n = 20000;
  std::string redis_url;
  if (const char* env = std::getenv("CURATOR_BENCH_REDIS_URL")) redis_url = env;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--tasks") n = std::max(100, std::atoi(argv[i + 1]));
    if (flag == "--redis") redis_url = argv[i + 1];
  }
  std::printf("queue_bench: %d tasks from 10 users\n", n);

  auto in_process = make_in_process_task_queue();
  run("in-process", *in_process, n);

  if (redis_url.empty()) {
    std::printf("redis: skipped (pass --redis URL or set CURATOR_BENCH_REDIS_URL)\n");
    return 0;
  }
  RedisOptions options;
  options.url = redis_url;
  auto pool = std::make_shared<RedisPool>(options);
  const auto name = "curator-bench-" + curator::random_hex(8);
  {
    auto redis = make_redis_task_queue(pool, name);
    run("redis", *redis, n);
  }
  auto lease = pool->acquire();
  std::string cursor = "0";
  do {
    const auto reply = lease->command({"SCAN", cursor, "MATCH", "{" + name + "}:*"});
    cursor = reply.array().at(0).text();
    for (const auto& key : reply.array().at(1).array())
      lease->command({"DEL", key.text()});
  } while (cursor != "0");
  return 0;
}
