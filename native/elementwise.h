/*
 * The shape every element-wise activation kernel shares (kernels_fused.c: erf GELU; kernels_gelu_tanh.c: GPT-2's
 * tanh GELU): forward y[i] = f(x[i]), backward dx[i] = dy[i]·f'(x[i]), each one pass split over the thread pool.
 * A kernel file writes only its math, as two static inline functions of one float, and instantiates
 *
 *   LIGO_ELEMENTWISE_ACTIVATION(name, value, slope)
 *
 * which defines ligo_<name>_forward(x, size, y) and ligo_<name>_backward(dy, x, size, dx) (declared in kernels.h).
 * The range loops carry LIGO_CLONES, so each is compiled for AVX2 and AVX-512 with value/slope inlined into it and
 * vectorised (check with -fopt-info-vec).
 */
#ifndef LIGO_ELEMENTWISE_H
#define LIGO_ELEMENTWISE_H

#include "approx_math.h"
#include "kernels.h"

/* Elements per thread below which splitting costs more than it saves. */
#define ELEMENTWISE_MIN_PER_THREAD 32768

/* One element-wise call: out = f(x) (forward, dy NULL) or out = dy·f'(x) (backward). */
typedef struct {
  const float *x, *dy;
  float *out;
} elementwise_job;

#define LIGO_ELEMENTWISE_ACTIVATION(name, value, slope)                                                    \
  LIGO_CLONES static void name##_forward_range(void *ctx, int64_t begin, int64_t end) {                   \
    const elementwise_job *job = (const elementwise_job *)ctx;                                            \
    for (int64_t i = begin; i < end; i++) job->out[i] = value(job->x[i]);                                 \
  }                                                                                                       \
  LIGO_CLONES static void name##_backward_range(void *ctx, int64_t begin, int64_t end) {                  \
    const elementwise_job *job = (const elementwise_job *)ctx;                                            \
    for (int64_t i = begin; i < end; i++) job->out[i] = job->dy[i] * slope(job->x[i]);                    \
  }                                                                                                       \
  void ligo_##name##_forward(const float *x, int64_t size, float *y) {                                    \
    elementwise_job job = {x, NULL, y};                                                                   \
    ligo_parallel_for(size, ELEMENTWISE_MIN_PER_THREAD, name##_forward_range, &job);                      \
  }                                                                                                       \
  void ligo_##name##_backward(const float *dy, const float *x, int64_t size, float *dx) {                 \
    elementwise_job job = {x, dy, dx};                                                                    \
    ligo_parallel_for(size, ELEMENTWISE_MIN_PER_THREAD, name##_backward_range, &job);                     \
  }

#endif
