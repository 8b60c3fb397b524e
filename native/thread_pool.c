/*
 * Work splitting for the fused kernels: [0, count) is cut into one contiguous range per thread; the calling
 * thread takes the first range and helper threads the rest. Helpers are started per call: a call is a whole
 * tensor pass (≥ 0.1 ms), so the ~20 µs a thread costs is noise, and nothing lingers between steps to compete
 * with the BLAS threads. Windows builds run serially (no pthreads there).
 */
#include "kernels.h"

#if !defined(_WIN32)
#include <pthread.h>
#include <unistd.h>
#endif

#define LIGO_MAX_THREADS 64

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
typedef struct {
  ligo_range_fn fn;
  void *ctx;
  int64_t begin, end;
} range_job;

static void *run_job(void *arg) {
  range_job *job = (range_job *)arg;
  job->fn(job->ctx, job->begin, job->end);
  return NULL;
}
#endif

void ligo_parallel_for(int64_t count, int64_t minPerThread, ligo_range_fn fn, void *ctx) {
  if (count <= 0) return;
  int64_t threads = ligo_pool_threads();
  if (minPerThread < 1) minPerThread = 1;
  if (threads > count / minPerThread) threads = count / minPerThread;
  if (threads <= 1) {
    fn(ctx, 0, count);
    return;
  }
#if defined(_WIN32)
  fn(ctx, 0, count);
#else
  range_job jobs[LIGO_MAX_THREADS];
  pthread_t ids[LIGO_MAX_THREADS];
  int started[LIGO_MAX_THREADS] = {0};
  for (int64_t t = 0; t < threads; t++) {
    jobs[t].fn = fn;
    jobs[t].ctx = ctx;
    jobs[t].begin = count * t / threads;
    jobs[t].end = count * (t + 1) / threads;
  }
  for (int64_t t = 1; t < threads; t++) started[t] = pthread_create(&ids[t], NULL, run_job, &jobs[t]) == 0;
  run_job(&jobs[0]);
  /* A helper that could not start is run here, so the result never depends on thread creation. */
  for (int64_t t = 1; t < threads; t++) {
    if (started[t]) pthread_join(ids[t], NULL);
    else run_job(&jobs[t]);
  }
#endif
}
