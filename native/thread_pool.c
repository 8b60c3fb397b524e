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
/*
 * The current job, immutable for its generation (issue 16). The caller fills it and bumps the generation under
 * wake_lock; a helper copies it under the same lock when it sees the new generation, so the fields it runs with
 * always belong to the generation it claims chunks of. Before this, the fields were separate atomics written
 * before the generation changed: a helper finishing the previous job could read the new fields with the old
 * generation still current, claim a chunk of the new job, and run it while the caller ran it too.
 */
typedef struct {
  ligo_range_fn fn;
  void *ctx;
  int64_t count, chunks;
  int helpers; /* helpers with index below this take part */
  uint32_t generation;
} pool_job;

static pool_job job; /* written only by the caller holding call_lock, under wake_lock */
/* generation << 32 | next unclaimed chunk: a claim is a compare-and-swap, so it fails once the generation moves on. */
static _Atomic uint64_t state;
/* generation << 32 | chunks finished, reset with each job; a helper counts a chunk before the caller can return. */
static _Atomic uint64_t finished;

static pthread_mutex_t wake_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;
static pthread_mutex_t call_lock = PTHREAD_MUTEX_INITIALIZER;
static int helpers_started = 0;

static void run_chunks(const pool_job *mine) {
  const uint64_t base = (uint64_t)mine->generation << 32;
  for (;;) {
    uint64_t s = atomic_load(&state);
    if ((s & ~(uint64_t)0xffffffff) != base) return;
    const int64_t chunk = (int64_t)(uint32_t)s;
    if (chunk >= mine->chunks) return;
    if (!atomic_compare_exchange_weak(&state, &s, s + 1)) continue;
    mine->fn(mine->ctx, mine->count * chunk / mine->chunks, mine->count * (chunk + 1) / mine->chunks);
    /* The caller waits for this count, so the job (and its stack-allocated ctx) outlives every claimed chunk. */
    atomic_fetch_add(&finished, 1);
  }
}

static void *helper(void *arg) {
  const int index = (int)(intptr_t)arg;
  uint32_t seen = 0;
  for (;;) {
    pthread_mutex_lock(&wake_lock);
    while (job.generation == seen) pthread_cond_wait(&wake, &wake_lock);
    const pool_job mine = job; /* a consistent snapshot: the caller writes it under this lock */
    seen = mine.generation;
    pthread_mutex_unlock(&wake_lock);
    if (index < mine.helpers) run_chunks(&mine);
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
  pthread_mutex_lock(&wake_lock);
  uint32_t generation = job.generation + 1;
  if (generation == 0) generation = 1; /* after 2^32 jobs: 0 is the generation helpers start out having seen */
  job = (pool_job){fn, ctx, count, chunks, helpers, generation};
  /* Both words move to the new generation at once, under the lock the helpers read the job under. Every chunk of
   * the previous generation has finished (its caller waited for that), so nothing counts into the old word now. */
  atomic_store(&finished, (uint64_t)generation << 32);
  atomic_store(&state, (uint64_t)generation << 32);
  pthread_cond_broadcast(&wake);
  pthread_mutex_unlock(&wake_lock);
  const pool_job mine = job;
  run_chunks(&mine);
  /* Every chunk is claimed; wait for the ones running on helpers. */
  while ((int64_t)(uint32_t)atomic_load(&finished) < chunks) sched_yield();
  pthread_mutex_unlock(&call_lock);
#endif
}

void ligo_parallel_for(int64_t count, int64_t minPerThread, ligo_range_fn fn, void *ctx) {
  ligo_parallel_for_threads(ligo_pool_threads(), count, minPerThread, fn, ctx);
}
