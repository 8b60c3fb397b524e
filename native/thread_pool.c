/*
 * Work splitting for the native kernels, made for shared machines. [0, count) is cut into a few chunks per thread;
 * the calling thread and persistent helper threads claim chunks from one atomic counter until none is left. The
 * caller never waits for a helper to be scheduled: it waits only for chunks a running helper has claimed. On a
 * loaded machine (other processes on the cores) a helper that wakes late finds no work, so a call costs at most
 * the serial time plus one chunk; with pthread_create/join per call, or static partitioning (OpenBLAS's own
 * threads), every call waited for the slowest thread's turn on a core (measured: 2 threads 3-4x slower than 1 at
 * load 5 on 2 cores). Helpers sleep on a condition variable between calls (no spinning). Windows runs serially.
 */
#include "kernels.h"

#if !defined(_WIN32)
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <unistd.h>
#endif

#define LIGO_MAX_THREADS 64
/* Chunks per thread: enough that an unlucky (descheduled) helper holds up little work. */
#define CHUNKS_PER_THREAD 4

static int pool_threads = 0; /* 0 = not set yet: use the online CPUs */

static int online_cpus(void) {
#if defined(_WIN32)
  return 1;
#else
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n < 1 ? 1 : (n > LIGO_MAX_THREADS ? LIGO_MAX_THREADS : (int)n);
#endif
}

int ligo_pool_threads(void) { return pool_threads > 0 ? pool_threads : online_cpus(); }

void ligo_set_pool_threads(int threads) {
  pool_threads = threads < 1 ? 0 : (threads > LIGO_MAX_THREADS ? LIGO_MAX_THREADS : threads);
}

#if !defined(_WIN32)
/* The current job. state = generation << 32 | next unclaimed chunk; a claim is a compare-and-swap on it, so a
 * helper can only run a chunk of the job whose fields it read (a new job changes the generation first). */
static _Atomic uint64_t state;
static _Atomic int64_t completed;
static _Atomic(ligo_range_fn) job_fn;
static _Atomic(void *) job_ctx;
static _Atomic int64_t job_count, job_chunks;
static _Atomic int active_helpers;

static pthread_mutex_t wake_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static pthread_mutex_t call_lock = PTHREAD_MUTEX_INITIALIZER;
static int helpers_started = 0;

static void run_chunks(uint32_t generation) {
  for (;;) {
    uint64_t s = atomic_load(&state);
    if ((uint32_t)(s >> 32) != generation) return;
    const ligo_range_fn fn = atomic_load(&job_fn);
    void *ctx = atomic_load(&job_ctx);
    const int64_t count = atomic_load(&job_count), chunks = atomic_load(&job_chunks);
    const int64_t chunk = (int64_t)(uint32_t)s;
    if (chunk >= chunks) return;
    if (!atomic_compare_exchange_weak(&state, &s, s + 1)) continue;
    fn(ctx, count * chunk / chunks, count * (chunk + 1) / chunks);
    atomic_fetch_add(&completed, 1);
  }
}

static void *helper(void *arg) {
  const int index = (int)(intptr_t)arg;
  uint32_t seen = 0;
  for (;;) {
    pthread_mutex_lock(&wake_lock);
    while ((uint32_t)(atomic_load(&state) >> 32) == seen) pthread_cond_wait(&wake, &wake_lock);
    seen = (uint32_t)(atomic_load(&state) >> 32);
    pthread_mutex_unlock(&wake_lock);
    if (index < atomic_load(&active_helpers)) run_chunks(seen);
  }
  return NULL;
}

/* Starts helpers up to `wanted` (never stops them: they sleep when idle). Returns how many exist. */
static int ensure_helpers(int wanted) {
  while (helpers_started < wanted) {
    pthread_t id;
    if (pthread_create(&id, NULL, helper, (void *)(intptr_t)helpers_started) != 0) break;
    pthread_detach(id);
    helpers_started++;
  }
  return helpers_started;
}
#endif

void ligo_parallel_for_threads(int threads, int64_t count, int64_t minPerThread, ligo_range_fn fn, void *ctx) {
  if (count <= 0) return;
  if (minPerThread < 1) minPerThread = 1;
  if (threads > count / minPerThread) threads = (int)(count / minPerThread);
#if defined(_WIN32)
  threads = 1;
#else
  /* A call from inside a running job (or from another thread) runs serially rather than waiting for the pool. */
  if (threads > 1 && pthread_mutex_trylock(&call_lock) != 0) threads = 1;
#endif
  if (threads <= 1) {
    fn(ctx, 0, count);
    return;
  }
#if !defined(_WIN32)
  const int helpers = ensure_helpers(threads - 1);
  int64_t chunks = (int64_t)threads * CHUNKS_PER_THREAD;
  if (chunks > count / minPerThread) chunks = count / minPerThread;
  if (chunks < 1) chunks = 1;
  atomic_store(&job_fn, fn);
  atomic_store(&job_ctx, ctx);
  atomic_store(&job_count, count);
  atomic_store(&job_chunks, chunks);
  atomic_store(&completed, 0);
  atomic_store(&active_helpers, helpers);
  pthread_mutex_lock(&wake_lock);
  const uint32_t generation = (uint32_t)(atomic_load(&state) >> 32) + 1;
  atomic_store(&state, (uint64_t)generation << 32);
  pthread_cond_broadcast(&wake);
  pthread_mutex_unlock(&wake_lock);
  run_chunks(generation);
  /* Every chunk is claimed; wait for the ones running on helpers. */
  while (atomic_load(&completed) < chunks) sched_yield();
  pthread_mutex_unlock(&call_lock);
#endif
}

void ligo_parallel_for(int64_t count, int64_t minPerThread, ligo_range_fn fn, void *ctx) {
  ligo_parallel_for_threads(ligo_pool_threads(), count, minPerThread, fn, ctx);
}
