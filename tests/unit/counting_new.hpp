// Counts the calls of the global operator new, for tests that check a path does not allocate.
//
// Include it in exactly one source file of a test executable: it defines the replaceable global
// allocation functions, which may not be inline. Every form that can release memory from the
// replaced forms goes to free(). The counter is process-wide; count on one thread's work, or on
// work whose threads all finish before Stop.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <new>

namespace minetrace::test {

inline std::atomic<bool> g_counting_new{false};
inline std::atomic<uint64_t> g_new_calls{0};

// Counts the operator new calls made between Start and Stop.
struct NewCallCounter {
    static void Start() {
        g_new_calls = 0;
        g_counting_new = true;
    }
    static uint64_t Stop() {
        g_counting_new = false;
        return g_new_calls.load();
    }
};

} // namespace minetrace::test

void* operator new(std::size_t size) {
    if (minetrace::test::g_counting_new.load(std::memory_order_relaxed))
        minetrace::test::g_new_calls.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
    throw std::bad_alloc();
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
    if (minetrace::test::g_counting_new.load(std::memory_order_relaxed))
        minetrace::test::g_new_calls.fetch_add(1, std::memory_order_relaxed);
    return std::malloc(size == 0 ? 1 : size);
}
void operator delete(void* p) noexcept {
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
    std::free(p);
}
void operator delete(void* p, const std::nothrow_t&) noexcept {
    std::free(p);
}
