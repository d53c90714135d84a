#include "core/job_queue.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <random>

using namespace volley;

namespace {
Job job(std::uint64_t seq, std::int32_t priority = 0, int attempts = 0) {
  Job j;
  j.seq = seq;
  j.priority = priority;
  j.attempts = attempts;
  return j;
}

std::vector<std::uint64_t> drain(JobQueue& q) {
  std::vector<std::uint64_t> seqs;
  while (!q.empty()) seqs.push_back(q.pop().seq);
  return seqs;
}
}  // namespace

TEST_CASE("job_queue: the higher priority first, ties in input order") {
  JobQueue q;
  q.push(job(1, 0));
  q.push(job(2, 5));
  q.push(job(3, -1));
  q.push(job(4, 5));
  q.push(job(5, 0));
  CHECK(q.size() == 5);
  CHECK(q.front().seq == 2);
  CHECK(drain(q) == std::vector<std::uint64_t>{2, 4, 1, 5, 3});
}

TEST_CASE("job_queue: a retry or redirect hop goes ahead of new URLs of its priority, not of higher ones") {
  JobQueue q;
  q.push(job(1));
  q.push(job(2));
  q.push(job(3, 1));
  q.push(job(9, 0, 1));  // a retry of seq 9: under way, ahead of 1 and 2
  CHECK(drain(q) == std::vector<std::uint64_t>{3, 9, 1, 2});
}

TEST_CASE("job_queue: any order of pushes comes out in start order") {
  std::mt19937 rng(7);
  std::vector<Job> jobs;
  for (std::uint64_t seq = 1; seq <= 500; ++seq) jobs.push_back(job(seq, static_cast<std::int32_t>(rng() % 7) - 3, rng() % 5 == 0));
  std::shuffle(jobs.begin(), jobs.end(), rng);
  JobQueue q;
  std::vector<StartRank> expected;
  for (auto& j : jobs) {
    expected.push_back(StartRank::of(j));
    q.push(std::move(j));
  }
  std::sort(expected.begin(), expected.end());
  for (const StartRank& r : expected) {
    REQUIRE_FALSE(q.empty());
    const Job j = q.pop();
    CHECK(j.seq == r.seq);
  }
  CHECK(q.empty());
}

TEST_CASE("job_queue: take_all empties the queue, heap and deque alike") {
  JobQueue q;
  for (std::uint64_t seq = 1; seq <= 4; ++seq) q.push(job(seq));
  q.push(job(5, 3));
  q.push(job(6, 1));  // between the deque's ends: to the heap
  std::vector<Job> out;
  q.take_all(out);
  CHECK(out.size() == 6);
  CHECK(q.empty());
  q.push(job(7));
  CHECK(q.pop().seq == 7);
}
