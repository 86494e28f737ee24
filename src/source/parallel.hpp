// A minimal parallel loop for reading and parsing many small files on every core.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace miglint::source {

// Calls body(i) once for every i in [0, count), on up to hardware_concurrency() threads
// (the caller's included); with few items it just loops. Threads take small contiguous
// chunks in turn, so an expensive file does not leave the others idle. body(i) must only
// touch state owned by item i (e.g. out[i]), which keeps results in input order. An
// exception thrown by body is rethrown here after every thread has stopped.
template <typename Body> void parallel_for(std::size_t count, const Body& body)
{
  constexpr std::size_t k_min_items_per_thread = 32;
  constexpr std::size_t k_chunk = 8;
  const std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
  const std::size_t threads = std::min(cores, count / k_min_items_per_thread);
  if (threads <= 1) {
    for (std::size_t i = 0; i < count; ++i) {
      body(i);
    }
    return;
  }
  std::atomic<std::size_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  auto work = [&] {
    try {
      while (true) {
        const std::size_t begin = next.fetch_add(k_chunk, std::memory_order_relaxed);
        if (begin >= count) {
          return;
        }
        const std::size_t end = std::min(count, begin + k_chunk);
        for (std::size_t i = begin; i < end; ++i) {
          body(i);
        }
      }
    } catch (...) {
      const std::lock_guard lock(failure_mutex);
      if (!failure) {
        failure = std::current_exception();
      }
      next.store(count); // the others stop at their next chunk
    }
  };
  std::vector<std::thread> helpers;
  helpers.reserve(threads - 1);
  for (std::size_t t = 1; t < threads; ++t) {
    try {
      helpers.emplace_back(work);
    } catch (const std::system_error&) {
      break; // no more threads to be had: the ones running share the work
    }
  }
  work();
  for (std::thread& h : helpers) {
    h.join();
  }
  if (failure) {
    std::rethrow_exception(failure);
  }
}

} // namespace miglint::source
