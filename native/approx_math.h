/*
 * Helpers shared by the fused kernels (kernels_fused.c, kernels_attention.c): branch-free float32 exp/erf/tanh
 * polynomials that GCC vectorises without -ffast-math, the lane count of vectorised reductions, and the
 * target_clones attribute that compiles a hot loop for AVX2 and AVX-512 and picks one at load time.
 */
#ifndef LIGO_APPROX_MATH_H
#define LIGO_APPROX_MATH_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define LIGO_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define LIGO_CLONES
#endif

/* Rows per thread below which splitting costs more than it saves. */
#define ROWS_PER_THREAD(cols) ((cols) >= 4096 ? 4 : ((16384 / ((cols) + 1)) + 1))

/*
 * exp(x) for float32, relative error < 2e-7 on [-87, 88]: x = n·ln2 + r, |r| ≤ ln2/2, exp(r) by a degree-6
 * polynomial (Cephes expf coefficients), 2^n built in the exponent bits. Inputs below -87 give 0 (softmax of a
 * masked logit), above 88 are clamped.
 */
static inline float exp_approx(float x) {
  const float hi = 88.3762626647949f, lo = -87.0f;
  float clamped = x > hi ? hi : x;
  clamped = clamped < lo ? lo : clamped;
  float n = floorf(clamped * 1.44269504088896341f + 0.5f);
  float r = clamped - n * 0.693359375f + n * 2.12194440e-4f;
  float r2 = r * r;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r2 + r + 1.0f;
  int32_t bits = ((int32_t)n + 127) << 23;
  float scale;
  memcpy(&scale, &bits, sizeof scale);
  float result = p * scale;
  return x < lo ? 0.0f : result;
}

/* erf(x), absolute error < 1.5e-7 (Abramowitz & Stegun 7.1.26). */
static inline float erf_approx(float x) {
  float ax = fabsf(x);
  float t = 1.0f / (1.0f + 0.3275911f * ax);
  float poly = t * (0.254829592f + t * (-0.284496736f + t * (1.421413741f + t * (-1.453152027f + t * 1.061405429f))));
  float y = 1.0f - poly * exp_approx(-ax * ax);
  return x < 0 ? -y : y;
}

/* tanh(x) = 1 - 2/(exp(2x) + 1): absolute error < 3e-7 (exp_approx saturates to ±1 for |x| > 43). */
static inline float tanh_approx(float x) { return 1.0f - 2.0f / (exp_approx(2.0f * x) + 1.0f); }

/*
 * Reductions keep 16 partial results (one per vector lane) so the compiler vectorises them without -ffast-math;
 * the order of a float sum changes only within rounding.
 */
#define LANES 16

#endif
