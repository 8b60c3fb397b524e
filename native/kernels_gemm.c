/* Batched, strided SGEMM over the platform BLAS: OpenBLAS (or any CBLAS) on Linux/Windows, Accelerate on macOS. */
#include "kernels.h"
#include "approx_math.h"

#if defined(LIGO_ACCELERATE)
#include <Accelerate/Accelerate.h>
#else
#include <cblas.h>
#endif

/* Below this many multiply-adds a GEMM runs on the calling thread (splitting costs more than it saves). */
#define GEMM_PARALLEL_MIN (1 << 18)

static int gemm_threads = 0; /* 0 = not set: the pool's thread count */

typedef struct {
  int transA, transB, m, n, k;
  const float *a, *b;
  float *c;
  int64_t strideA, strideB;
  int split; /* 0: batch items, 1: rows of C, 2: columns of C */
  int item;  /* the batch item when splitting rows or columns */
} gemm_job;

/* Row-major leading dimensions: A is stored [m, k] (or [k, m] when transposed), B [k, n] (or [n, k]). */
static void gemm_block(const gemm_job *g, int item, int row0, int rows, int col0, int cols) {
  const int lda = g->transA ? g->m : g->k;
  const int ldb = g->transB ? g->k : g->n;
  const float *a = g->a + item * g->strideA + (g->transA ? row0 : (int64_t)row0 * lda);
  const float *b = g->b + item * g->strideB + (g->transB ? (int64_t)col0 * ldb : col0);
  float *c = g->c + (int64_t)item * g->m * g->n + (int64_t)row0 * g->n + col0;
  cblas_sgemm(CblasRowMajor, g->transA ? CblasTrans : CblasNoTrans, g->transB ? CblasTrans : CblasNoTrans, rows, cols,
              g->k, 1.0f, a, lda, b, ldb, 0.0f, c, g->n);
}

static void gemm_range(void *ctx, int64_t begin, int64_t end) {
  const gemm_job *g = (const gemm_job *)ctx;
  if (g->split == 0) {
    for (int64_t i = begin; i < end; i++) gemm_block(g, (int)i, 0, g->m, 0, g->n);
  } else if (g->split == 1) {
    gemm_block(g, g->item, (int)begin, (int)(end - begin), 0, g->n);
  } else {
    gemm_block(g, g->item, 0, g->m, (int)begin, (int)(end - begin));
  }
}

void ligo_sgemm_batched(int transA, int transB, int batch, int m, int n, int k,
                        const float *a, int64_t strideA, const float *b, int64_t strideB, float *c) {
  if (k == 0) {
    for (int64_t i = 0; i < (int64_t)batch * m * n; i++) c[i] = 0.0f;
    return;
  }
  gemm_job job = {transA, transB, m, n, k, a, b, c, strideA, strideB, 0, 0};
  const int threads = ligo_blas_threads();
  const int64_t work = (int64_t)batch * m * n * k;
  if (threads <= 1 || work < GEMM_PARALLEL_MIN) {
    gemm_range(&job, 0, batch);
    return;
  }
  if (batch >= 2 * threads) {
    ligo_parallel_for_threads(threads, batch, 1, gemm_range, &job);
    return;
  }
  /* Few large products: split each one's rows (or columns, when it is short and wide) into blocks. */
  job.split = m >= n ? 1 : 2;
  for (int i = 0; i < batch; i++) {
    job.item = i;
    ligo_parallel_for_threads(threads, job.split == 1 ? m : n, job.split == 1 ? 32 : 64, gemm_range, &job);
  }
}

/* ---- Linear layers: y = x·wᵀ + b and its gradient, one call each way ------------------------------------- */

typedef struct {
  const float *bias;
  float *y;
  int out;
} bias_job;

LIGO_CLONES static void add_bias_rows(void *ctx, int64_t begin, int64_t end) {
  const bias_job *job = (const bias_job *)ctx;
  for (int64_t r = begin; r < end; r++) {
    float *row = job->y + r * job->out;
    for (int c = 0; c < job->out; c++) row[c] += job->bias[c];
  }
}

void ligo_linear_forward(const float *x, const float *w, const float *b, int rows, int in, int out, float *y) {
  ligo_sgemm_batched(0, 1, 1, rows, out, in, x, 0, w, 0, y); /* x [rows, in] · wᵀ, w [out, in] */
  if (!b) return;
  bias_job job = {b, y, out};
  ligo_parallel_for(rows, out >= 16384 ? 1 : 16384 / (out + 1) + 1, add_bias_rows, &job);
}

void ligo_linear_backward(const float *dy, const float *x, const float *w, int rows, int in, int out, float *dx, float *dw,
                          float *db) {
  ligo_sgemm_batched(0, 0, 1, rows, in, out, dy, 0, w, 0, dx); /* dx = dy [rows, out] · w [out, in] */
  ligo_sgemm_batched(1, 0, 1, out, in, rows, dy, 0, x, 0, dw); /* dw = dyᵀ · x */
  if (db) ligo_sum_outer(dy, rows, out, db);                   /* db = Σ over rows of dy */
}

void ligo_sgemm_ld(int transA, int transB, int m, int n, int k, float alpha, const float *a, int lda, const float *b,
                   int ldb, float *c, int ldc) {
  cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans, m, n, k, alpha, a,
              lda, b, ldb, 0.0f, c, ldc);
}

#if defined(LIGO_ACCELERATE)
int ligo_blas_threads(void) { return 1; /* Accelerate threads its own GEMMs */ }
void ligo_set_blas_threads(int threads) { (void)threads; }
const char *ligo_blas_name(void) { return "Accelerate"; }
#else
int ligo_blas_threads(void) { return gemm_threads > 0 ? gemm_threads : ligo_pool_threads(); }
void ligo_set_blas_threads(int threads) { gemm_threads = threads < 1 ? 0 : threads; }
#if defined(LIGO_OPENBLAS)
/* Declared by OpenBLAS's cblas.h; not part of the CBLAS standard. */
const char *ligo_blas_name(void) { return openblas_get_config(); }
void ligo_blas_init(void) { openblas_set_num_threads(1); /* the pool splits the work instead (thread_pool.c) */ }
#else
const char *ligo_blas_name(void) { return "CBLAS (generic)"; }
#endif
#endif

#if !defined(LIGO_OPENBLAS)
void ligo_blas_init(void) {}
#endif
