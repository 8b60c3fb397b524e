/*
 * GPT-2's activation ("gelu_new", the tanh approximation of GELU; docs/formats/checkpoints.md §2.0) in one pass each way.
 * As separate tfjs-wasm kernels it is Pow, Mul, Add, Mul, Tanh, Add, Mul, Mul on the [B·T, FFN] activations, single
 * threaded: ~220 ms of a 620 ms GPT-2 training step at the growth benchmark's size (bench/profile-step.ts).
 *
 *   y = 0.5·x·(1 + tanh(u)),  u = √(2/π)·(x + 0.044715·x³)
 *   dy/dx = 0.5·(1 + t) + 0.5·x·(1 - t²)·√(2/π)·(1 + 3·0.044715·x²),  t = tanh(u)
 */
#include "kernels.h"
#include "approx_math.h"

#define SQRT_2_OVER_PI 0.79788456080286536f
#define CUBIC 0.044715f

typedef struct {
  const float *x, *dy;
  float *out;
} gelu_tanh_job;

LIGO_CLONES static void gelu_tanh_forward_range(void *ctx, int64_t begin, int64_t end) {
  gelu_tanh_job *job = (gelu_tanh_job *)ctx;
  for (int64_t i = begin; i < end; i++) {
    float x = job->x[i];
    float t = tanh_approx(SQRT_2_OVER_PI * (x + CUBIC * x * x * x));
    job->out[i] = 0.5f * x * (1.0f + t);
  }
}

LIGO_CLONES static void gelu_tanh_backward_range(void *ctx, int64_t begin, int64_t end) {
  gelu_tanh_job *job = (gelu_tanh_job *)ctx;
  for (int64_t i = begin; i < end; i++) {
    float x = job->x[i];
    float t = tanh_approx(SQRT_2_OVER_PI * (x + CUBIC * x * x * x));
    float du = SQRT_2_OVER_PI * (1.0f + 3.0f * CUBIC * x * x);
    job->out[i] = job->dy[i] * (0.5f * (1.0f + t) + 0.5f * x * (1.0f - t * t) * du);
  }
}

void ligo_gelu_tanh_forward(const float *x, int64_t size, float *y) {
  gelu_tanh_job job = {x, NULL, y};
  ligo_parallel_for(size, 32768, gelu_tanh_forward_range, &job);
}

void ligo_gelu_tanh_backward(const float *dy, const float *x, int64_t size, float *dx) {
  gelu_tanh_job job = {x, dy, dx};
  ligo_parallel_for(size, 32768, gelu_tanh_backward_range, &job);
}
