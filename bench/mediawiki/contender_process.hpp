#pragma once
// Runs one benchmark contender in its own process (fork + exec, so its CPU
// time and peak RSS are its own: wait4's rusage) and summarises repeated
// measurements by their median. Shared by the MediaWiki and CLI benchmarks.

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

namespace curator::bench {

struct ProcessRun {
  double wall_s = 0;
  double cpu_s = 0;  // user + system of the child
  long peak_rss_kib = 0;
  int exit_code = -1;
  std::string output;  // the child's stdout
};

inline double seconds_of(const timeval& t) {
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
}

/// Runs argv[0] (a path) with `argv`, stdout captured, stderr inherited;
/// with `env`, exactly that environment ("NAME=value" entries).
inline ProcessRun run_process(const std::vector<std::string>& argv,
                              const std::vector<std::string>* env = nullptr) {
  int out[2];
  if (pipe(out) != 0) throw std::runtime_error("pipe");
  const auto started = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork");
  if (pid == 0) {
    dup2(out[1], 1);
    close(out[0]);
    close(out[1]);
    std::vector<char*> args;
    for (const auto& a : argv)
      args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    if (env != nullptr) {
      std::vector<char*> envp;
      for (const auto& e : *env)
        envp.push_back(const_cast<char*>(e.c_str()));
      envp.push_back(nullptr);
      execve(args[0], args.data(), envp.data());
    } else {
      execv(args[0], args.data());
    }
    std::perror("execv");
    _exit(127);
  }
  close(out[1]);
  ProcessRun run;
  char buf[4096];
  for (;;) {
    const auto n = read(out[0], buf, sizeof buf);
    if (n <= 0) break;
    run.output.append(buf, static_cast<std::size_t>(n));
  }
  close(out[0]);
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  run.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  run.cpu_s = seconds_of(usage.ru_utime) + seconds_of(usage.ru_stime);
  run.peak_rss_kib = usage.ru_maxrss;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return run;
}

inline double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/// The value of "key=<number>" in a child's output line, or -1.
inline double output_value(const std::string& output, const std::string& key) {
  const auto at = output.find(key + "=");
  if (at == std::string::npos) return -1;
  return std::atof(output.c_str() + at + key.size() + 1);
}

}  // namespace curator::bench
