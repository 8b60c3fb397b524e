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
#include "elementwise.h"

#define SQRT_2_OVER_PI 0.79788456080286536f
#define CUBIC 0.044715f

static inline float gelu_tanh_value(float x) {
  float t = tanh_approx(SQRT_2_OVER_PI * (x + CUBIC * x * x * x));
  return 0.5f * x * (1.0f + t);
}

static inline float gelu_tanh_slope(float x) {
  float t = tanh_approx(SQRT_2_OVER_PI * (x + CUBIC * x * x * x));
  float du = SQRT_2_OVER_PI * (1.0f + 3.0f * CUBIC * x * x);
  return 0.5f * (1.0f + t) + 0.5f * x * (1.0f - t * t) * du;
}

LIGO_ELEMENTWISE_ACTIVATION(gelu_tanh, gelu_tanh_value, gelu_tanh_slope)
