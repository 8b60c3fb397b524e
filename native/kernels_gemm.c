/* Batched, strided SGEMM over the platform BLAS: OpenBLAS (or any CBLAS) on Linux/Windows, Accelerate on macOS. */
#include "kernels.h"

#if defined(LIGO_ACCELERATE)
#include <Accelerate/Accelerate.h>
#else
#include <cblas.h>
#endif

void ligo_sgemm_batched(int transA, int transB, int batch, int m, int n, int k,
                        const float *a, int64_t strideA, const float *b, int64_t strideB, float *c) {
  /* Row-major leading dimensions: A is stored [m, k] (or [k, m] when transposed), B [k, n] (or [n, k]). */
  const int lda = transA ? m : k;
  const int ldb = transB ? k : n;
  const enum CBLAS_TRANSPOSE ta = transA ? CblasTrans : CblasNoTrans;
  const enum CBLAS_TRANSPOSE tb = transB ? CblasTrans : CblasNoTrans;
  if (k == 0) {
    for (int64_t i = 0; i < (int64_t)batch * m * n; i++) c[i] = 0.0f;
    return;
  }
  for (int i = 0; i < batch; i++) {
    cblas_sgemm(CblasRowMajor, ta, tb, m, n, k, 1.0f, a + i * strideA, lda, b + i * strideB, ldb, 0.0f,
                c + (int64_t)i * m * n, n);
  }
}

#if defined(LIGO_OPENBLAS)
/* Declared by OpenBLAS's cblas.h; not part of the CBLAS standard. */
int ligo_blas_threads(void) { return openblas_get_num_threads(); }
void ligo_set_blas_threads(int threads) { openblas_set_num_threads(threads); }
const char *ligo_blas_name(void) { return openblas_get_config(); }
#elif defined(LIGO_ACCELERATE)
int ligo_blas_threads(void) { return 0; /* Accelerate manages its own threads */ }
void ligo_set_blas_threads(int threads) { (void)threads; }
const char *ligo_blas_name(void) { return "Accelerate"; }
#else
int ligo_blas_threads(void) { return 1; }
void ligo_set_blas_threads(int threads) { (void)threads; }
const char *ligo_blas_name(void) { return "CBLAS (generic)"; }
#endif
