// The Redis TaskQueue drained by worker PROCESSES, the queue alone (no
// database): tasks/s and dispatch latency, the time from a task's publish to
// a worker process holding it (steady_clock is CLOCK_MONOTONIC, one clock for
// every process on the machine; the publish time travels in the task).
//
//   queue_drain_bench [--tasks 10000] [--workers 2] [--batch 64]
//                     [--rate 0|tasks-per-second] [--redis redis://host:port/db]
//
// --rate 0 (the default) is a burst: every task published at once, as fast as
// the publisher can, so latency includes the wait behind the whole backlog.
// A rate publishes every millisecond the tasks due by then (steady load).
// Workers are this program re-executed with --role worker; each loops on
// ack_and_fetch(previous batch, batch size). Tasks come from 10 users (the fair path).

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "curator/core/ids.hpp"
#include "curator/queue/redis_client.hpp"
#include "curator/queue/task_queue.hpp"

using namespace curator::queue;
using Steady = std::chrono::steady_clock;

namespace {

long long now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Steady::now().time_since_epoch())
      .count();
}

struct Args {
  int tasks = 10000;
  int workers = 2;
  std::size_t batch = 64;
  double rate = 0;
  std::string redis;
  std::string role = "publisher";
  std::string name;
  int id = 0;
};

Args parse(int argc, char** argv) {
  Args a;
  if (const char* env = std::getenv("CURATOR_BENCH_REDIS_URL")) a.redis = env;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--tasks") a.tasks = std::max(1, std::atoi(value.c_str()));
    if (flag == "--workers") a.workers = std::clamp(std::atoi(value.c_str()), 1, 64);
    if (flag == "--batch")
      a.batch = static_cast<std::size_t>(std::clamp(std::atoi(value.c_str()), 1, 1000));
    if (flag == "--rate") a.rate = std::max(0.0, std::atof(value.c_str()));
    if (flag == "--redis") a.redis = value;
    if (flag == "--role") a.role = value;
    if (flag == "--name") a.name = value;
    if (flag == "--id") a.id = std::atoi(value.c_str());
  }
  return a;
}

std::shared_ptr<RedisPool> make_pool(const std::string& url) {
  RedisOptions options;
  options.url = url;
  return std::make_shared<RedisPool>(options);
}

std::string stop_key(const std::string& name) {
  return "{" + name + "}:bench:stop";
}

// Worker: prints "ready", then "<upload id> <latency ns> <held at ns>" per acked task.
int work(const Args& a) {
  auto pool = make_pool(a.redis);
  auto queue = make_redis_task_queue(pool, a.name);
  const auto consumer = "bench-worker-" + std::to_string(a.id);
  queue->fetch_many(consumer, 1, std::chrono::milliseconds(0));  // connects, creates the group
  std::printf("ready\n");
  std::fflush(stdout);
  std::vector<std::string> lines;
  lines.reserve(static_cast<std::size_t>(a.tasks));
  // Each call acks the previous batch and fetches the next: one round trip.
  // A task counts once its ack succeeded; its time is when the worker held it
  // (the call that acks the last batch may then wait for more work).
  std::vector<Delivery> running;
  std::vector<long long> latency, held;
  for (;;) {
    auto batch = queue->ack_and_fetch(running, consumer, a.batch, std::chrono::milliseconds(50));
    for (std::size_t i = 0; i < running.size(); ++i) {
      if (!batch.acked[i]) continue;
      lines.push_back(std::to_string(running[i].task.upload_id) + " " + std::to_string(latency[i]) +
                      " " + std::to_string(held[i]));
    }
    running = std::move(batch.deliveries);
    latency.clear();
    held.clear();
    for (const auto& d : running) {
      held.push_back(now_ns());
      latency.push_back(held.back() - std::atoll(d.task.edit_group_id.c_str()));
    }
    if (running.empty()) {
      auto lease = pool->acquire();
      if (!lease->command({"GET", stop_key(a.name)}).is_nil()) break;
    }
  }
  for (const auto& line : lines)
    std::printf("%s\n", line.c_str());
  return 0;
}

struct Worker {
  pid_t pid = -1;
  FILE* out = nullptr;
};

Worker spawn(const Args& a, int id) {
  int fds[2];
  if (::pipe(fds) != 0) std::exit(2);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    ::close(fds[0]);
    ::close(fds[1]);
    const std::string tasks = std::to_string(a.tasks), batch = std::to_string(a.batch),
                      idtext = std::to_string(id);
    const char* argv[] = {"queue_drain_bench", "--role", "worker",       "--redis",
                          a.redis.c_str(),     "--name", a.name.c_str(), "--batch",
                          batch.c_str(),       "--id",   idtext.c_str(), "--tasks",
                          tasks.c_str(),       nullptr};
    ::execv("/proc/self/exe", const_cast<char* const*>(argv));
    std::_Exit(127);
  }
  ::close(fds[1]);
  return Worker{pid, ::fdopen(fds[0], "r")};
}

std::vector<Task> make_tasks(int n) {
  std::vector<Task> tasks;
  for (int i = 1; i <= n; ++i)
    tasks.push_back(Task{i, "user-" + std::to_string(i % 10), "", 0});
  return tasks;
}

void publish_all(TaskQueue& queue, std::vector<Task>& tasks, double rate, long long& first) {
  const std::size_t n = tasks.size();
  first = now_ns();
  if (rate <= 0) {
    for (std::size_t start = 0; start < n; start += 256) {
      const auto end = std::min(n, start + 256);
      const auto stamp = std::to_string(now_ns());
      for (std::size_t i = start; i < end; ++i)
        tasks[i].edit_group_id = stamp;
      queue.publish(std::span<const Task>(tasks).subspan(start, end - start));
    }
    return;
  }
  const auto begin = Steady::now();
  std::size_t sent = 0;
  for (int tick = 1; sent < n; ++tick) {
    std::this_thread::sleep_until(begin + std::chrono::milliseconds(tick));
    const double elapsed = std::chrono::duration<double>(Steady::now() - begin).count();
    const auto due = std::min(n, static_cast<std::size_t>(elapsed * rate) + 1);
    if (due <= sent) continue;
    const auto stamp = std::to_string(now_ns());
    for (std::size_t i = sent; i < due; ++i)
      tasks[i].edit_group_id = stamp;
    queue.publish(std::span<const Task>(tasks).subspan(sent, due - sent));
    sent = due;
  }
}

double percentile(const std::vector<long long>& sorted, double p) {
  const auto i = std::min(sorted.size() - 1, static_cast<std::size_t>(p * sorted.size()));
  return static_cast<double>(sorted[i]) / 1e6;
}

int publish(Args a) {
  if (a.redis.empty()) {
    std::printf("queue_drain_bench: pass --redis URL or set CURATOR_BENCH_REDIS_URL\n");
    return 2;
  }
  a.name = "curator-bench-" + curator::random_hex(8);
  auto pool = make_pool(a.redis);
  auto queue = make_redis_task_queue(pool, a.name);
  std::vector<Worker> workers;
  for (int i = 0; i < a.workers; ++i)
    workers.push_back(spawn(a, i));
  char line[128];
  for (auto& w : workers) {
    if (!std::fgets(line, sizeof line, w.out) || std::strcmp(line, "ready\n") != 0) return 2;
  }
  auto tasks = make_tasks(a.tasks);
  long long first = 0;
  publish_all(*queue, tasks, a.rate, first);
  const auto published = now_ns();
  pool->acquire()->command({"SET", stop_key(a.name), "1"});

  std::vector<long long> latency;
  std::set<long long> seen;
  long long last = first;
  std::size_t duplicates = 0;
  for (auto& w : workers) {
    long long id = 0, lat = 0, done = 0;
    while (std::fscanf(w.out, "%lld %lld %lld", &id, &lat, &done) == 3) {
      latency.push_back(lat);
      last = std::max(last, done);
      if (!seen.insert(id).second) ++duplicates;
    }
    std::fclose(w.out);
    int status = 0;
    ::waitpid(w.pid, &status, 0);
  }
  std::sort(latency.begin(), latency.end());
  const double seconds = static_cast<double>(last - first) / 1e9;
  std::printf(
      "queue_drain_bench: %d tasks, %d worker processes, batch %zu, %s\n"
      "  published in %.3f s; %zu tasks acked (%zu distinct, %zu duplicates), the last one held "
      "%.3f s after the first publish = %.0f tasks/s\n",
      a.tasks, a.workers, a.batch,
      a.rate > 0 ? ("steady " + std::to_string(static_cast<long>(a.rate)) + " tasks/s").c_str()
                 : "burst",
      static_cast<double>(published - first) / 1e9, latency.size(), seen.size(), duplicates,
      seconds, static_cast<double>(latency.size()) / seconds);
  if (!latency.empty()) {
    std::printf(
        "  dispatch latency (publish -> worker holds it): p50 %.3f ms, p99 %.3f ms, max %.3f ms\n",
        percentile(latency, 0.5), percentile(latency, 0.99),
        static_cast<double>(latency.back()) / 1e6);
  }
  auto lease = pool->acquire();
  std::string cursor = "0";
  do {
    const auto reply = lease->command({"SCAN", cursor, "MATCH", "{" + a.name + "}:*"});
    cursor = reply.array().at(0).text();
    for (const auto& key : reply.array().at(1).array())
      lease->command({"DEL", key.text()});
  } while (cursor != "0");
  return seen.size() == static_cast<std::size_t>(a.tasks) ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const auto a = parse(argc, argv);
  if (a.role == "worker") return work(a);
  return publish(a);
}
