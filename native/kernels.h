/*
 * The engine's hot kernels in plain C over float32 row-major arrays (no Node-API here: ligo_kernels.c is the
 * JavaScript glue). Every pointer may point into a WebAssembly heap; nothing here allocates tensors.
 */
#ifndef LIGO_KERNELS_H
#define LIGO_KERNELS_H

#include <stdint.h>

/* ---- GEMM (kernels_gemm.c) ------------------------------------------------------------------------- */

/*
 * C[i] = op(A[i]) * op(B[i]) for i in [0, batch), row-major, op(X) = X or Xᵀ.
 *   op(A[i]) is [m, k], op(B[i]) is [k, n], C[i] is [m, n] (C is dense: stride m*n).
 *   strideA / strideB: elements between consecutive A[i] / B[i]; 0 broadcasts one matrix over the batch.
 */
void ligo_sgemm_batched(int transA, int transB, int batch, int m, int n, int k,
                        const float *a, int64_t strideA, const float *b, int64_t strideB, float *c);

/*
 * A linear layer in torch's layout: y [rows, out] = x [rows, in] · wᵀ + b, w [out, in], b [out] or NULL; and its
 * gradient dx [rows, in] = dy·w, dw [out, in] = dyᵀ·x, db [out] = Σ_rows dy (skipped when db is NULL). The GEMMs
 * are ligo_sgemm_batched's (split over the pool).
 */
void ligo_linear_forward(const float *x, const float *w, const float *b, int rows, int in, int out, float *y);
void ligo_linear_backward(const float *dy, const float *x, const float *w, int rows, int in, int out, float *dx, float *dw,
                          float *db);

/*
 * One GEMM on the calling thread with explicit row-major leading dimensions: C [m, n] (row stride ldc) =
 * alpha·op(A)·op(B), for kernels that multiply blocks of larger arrays in place (one head's columns of [T, H]).
 */
void ligo_sgemm_ld(int transA, int transB, int m, int n, int k, float alpha, const float *a, int lda, const float *b,
                   int ldb, float *c, int ldc);

/*
 * Threads for the GEMMs. The BLAS itself runs single-threaded; ligo_sgemm_batched splits the batch, the rows or the
 * columns over the pool (thread_pool.c), which keeps working on a loaded machine. Accelerate keeps its own threads.
 */
int ligo_blas_threads(void);
void ligo_set_blas_threads(int threads);
/* Called once when the addon loads: makes the BLAS single-threaded where it has its own threads (OpenBLAS). */
void ligo_blas_init(void);
const char *ligo_blas_name(void);

/* ---- Fused element-wise kernels (kernels_fused.c), parallel over rows ------------------------------ */

/*
 * Softmax cross-entropy over rows of logits [rows, classes]. labels[r] outside [0, classes) (e.g. -100) marks a
 * row that does not count. Writes lse[r] = logsumexp(logits[r]) for every counted row (0 for the others) and
 * returns the summed loss Σ (lse[r] - logits[r, labels[r]]) and the counted rows in *counted.
 */
double ligo_softmax_xent_forward(const float *logits, const int32_t *labels, int rows, int classes,
                                 float *lse, int *counted);
/* dlogits[r] = (softmax(logits[r]) - onehot(labels[r])) * scale for counted rows, 0 for the others. */
void ligo_softmax_xent_backward(const float *logits, const int32_t *labels, const float *lse, int rows,
                                int classes, float scale, float *dlogits);

/* LayerNorm over the last axis: y = (x - mean) * rstd * gamma + beta; saves mean [rows] and rstd [rows]. */
void ligo_layer_norm_forward(const float *x, const float *gamma, const float *beta, int rows, int cols, float eps,
                             float *y, float *mean, float *rstd);
/* Gradients of LayerNorm: dx [rows, cols], dgamma [cols], dbeta [cols] (overwritten, not accumulated). */
void ligo_layer_norm_backward(const float *dy, const float *x, const float *gamma, const float *mean,
                              const float *rstd, int rows, int cols, float *dx, float *dgamma, float *dbeta);

/* Exact (erf) GELU: y = 0.5·x·(1 + erf(x/√2)); backward dx = dy·(Φ(x) + x·φ(x)). */
void ligo_gelu_forward(const float *x, int64_t size, float *y);
void ligo_gelu_backward(const float *dy, const float *x, int64_t size, float *dx);

/* CaiT's LayerScale residual: y = x + a ⊙ γ (γ [cols] over rows; y may be x or a); backward da = dy ⊙ γ (da may be
 * dy), dγ = Σ_rows dy ⊙ a. */
void ligo_scale_add(const float *x, const float *a, const float *gamma, int64_t rows, int cols, float *y);
void ligo_scale_backward(const float *dy, const float *a, const float *gamma, int64_t rows, int cols, float *da, float *dgamma);

/* out = a + b element-wise (the residual connections of the fused blocks); out may be a or b. */
void ligo_add(const float *a, const float *b, int64_t size, float *out);

/*
 * AdamW, in place (Loshchilov & Hutter 2019, decoupled weight decay, torch.optim.AdamW semantics):
 *   m = β1·m + (1-β1)·g;  v = β2·v + (1-β2)·g²;  p -= lr·(m/(1-β1^t) / (√(v/(1-β2^t)) + eps) + wd·p)
 */
void ligo_adamw_update(float *param, float *m, float *v, const float *grad, int64_t size, float lr, float beta1,
                       float beta2, float eps, float weightDecay, int step);

/* ---- Reductions (kernels_fused.c): float32, x viewed as [outer, inner] row-major ---------------------- */

/* out[c] = Σ_r x[r, c] (a bias gradient: Sum over the leading axes). */
void ligo_sum_outer(const float *x, int64_t outer, int64_t inner, float *out);
/* out[r] = Σ_c x[r, c] (Sum over the trailing axes). */
void ligo_sum_inner(const float *x, int64_t outer, int64_t inner, float *out);
/*
 * UnsortedSegmentSum (the gradient of an embedding lookup): out [segments, inner] zeroed, then
 * out[ids[i]] += x[i] for i in [0, count); ids outside [0, segments) are skipped.
 */
void ligo_unsorted_segment_sum(const float *x, const int32_t *ids, int64_t count, int64_t inner, int64_t segments,
                               float *out);

/* ---- GPT-2's tanh GELU (kernels_gelu_tanh.c) ----------------------------------------------------------- */

/* y = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) ("gelu_new"); backward dx = dy·dy/dx. */
void ligo_gelu_tanh_forward(const float *x, int64_t size, float *y);
void ligo_gelu_tanh_backward(const float *dy, const float *x, int64_t size, float *dx);

/* ---- Dropout (kernels_dropout.c, masks from dropout_mask.h) ------------------------------------------ */

/*
 * y[i] = x[i] · 0 where ligo_dropout_hash(key, i) < threshold (threshold = floor(rate·2^32)), else x[i] · scale
 * (scale = 1/(1 - rate)). Also its own backward pass on dy with the same key. y may be x.
 */
void ligo_dropout(const float *x, int64_t size, uint32_t key, uint32_t threshold, float scale, float *y);

/* ---- Attention probabilities (kernels_attention.c) --------------------------------------------------- */

/*
 * y [rows, keys] = softmax over keys of scale·x with the causal mask (key k > query q = row % queries) and the
 * padding mask keyMask [rows / rowsPerItem, keys] (0 = padding; NULL = none) added as -1e9 logits, as the plain
 * path's additive bias. Rows are (item, head, query) with rowsPerItem = heads·queries.
 */
void ligo_masked_softmax_forward(const float *x, int64_t rows, int queries, int keys, float scale, int causal,
                                 const float *keyMask, int64_t rowsPerItem, float *y);
/* dx = scale·y ⊙ (dy - Σ_k dy·y), per row. */
void ligo_masked_softmax_backward(const float *y, const float *dy, int64_t rows, int keys, float scale, float *dx);

/*
 * Dropout on the attention probabilities (NULL or threshold 0: none): element (item, head, query, key) of probs, at
 * its index in the [items, heads, queries, keys] array, is dropped as ligo_dropout would drop it, so the fused core
 * and the op-by-op path (softmax, then dropout of the probabilities tensor) drop the same entries.
 */
typedef struct {
  uint32_t key, threshold;
  float scale;
} ligo_dropout_site;

/*
 * Scaled dot-product attention of all heads in one call (the core between the q/k/v and output projections):
 *   q [items, queries, heads·d], k and v [items, keys, heads·d] (head a = columns a·d .. a·d+d-1, as HF/timm),
 *   probs [items, heads, queries, keys] = softmax over keys of scale·q_a·k_aᵀ with the masks of
 *   ligo_masked_softmax_forward (keyMask [items, keys] or NULL), context [items, queries, heads·d] = dropout(probs)·v_a
 *   (probs are saved before the dropout; the backward pass recomputes the mask). Returns 0, or -1 when the scratch
 *   of the dropped probabilities could not be allocated.
 * No head split or merge copies: each (item, head) multiplies its column block in place. ld is the row stride of
 * q, k, v (and of dq, dk, dv backward): heads·d for separate arrays, 3·heads·d when they are the column blocks of one
 * [items, rows, 3·heads·d] projection (the fused block's q|k|v); context and dcontext are always dense.
 */
int ligo_attention_forward(const float *q, const float *k, const float *v, int items, int heads, int queries, int keys,
                           int headDim, int ld, float scale, int causal, const float *keyMask,
                           const ligo_dropout_site *drop, float *probs, float *context);
/*
 * Its gradient from dcontext [items, queries, heads·d], the saved probs and the forward call's dropout (its mask is
 * recomputed): dq, dk, dv (shapes of q, k, v).
 * Returns 0, or -1 when its scratch (one probs-sized array) could not be allocated.
 */
int ligo_attention_backward(const float *q, const float *k, const float *v, const float *probs, const float *dcontext,
                            int items, int heads, int queries, int keys, int headDim, int ld, float scale,
                            const ligo_dropout_site *drop, float *dq, float *dk, float *dv);

/*
 * Talking-heads attention (CaiT): S = scale·q_a·k_aᵀ per head, P = softmax(W_pre·S + b_pre) over keys, M = W_post·P +
 * b_post, context_a = dropout(M)_a·v_a; head mixing over [heads, queries·keys] per item, W [heads, heads] as timm's
 * proj_l / proj_w. No masks. scores, probs and mixed [items, heads, queries, keys] are kept for the backward pass,
 * which also returns the mixing weights' gradients summed over items. Both return 0, or -1 when out of memory.
 */
int ligo_talking_attention_forward(const float *q, const float *k, const float *v, int items, int heads, int queries,
                                   int keys, int headDim, int ld, float scale, const float *wPre, const float *bPre,
                                   const float *wPost, const float *bPost, const ligo_dropout_site *drop, float *scores,
                                   float *probs, float *mixed, float *context);
int ligo_talking_attention_backward(const float *q, const float *k, const float *v, const float *scores,
                                    const float *probs, const float *mixed, const float *dcontext, int items, int heads,
                                    int queries, int keys, int headDim, int ld, float scale, const float *wPre,
                                    const float *wPost, const ligo_dropout_site *drop, float *dq, float *dk, float *dv,
                                    float *dwPre, float *dbPre, float *dwPost, float *dbPost);

/* ---- Threads for the fused kernels (thread_pool.c) ------------------------------------------------- */

/* Runs fn(ctx, begin, end) over [0, count) split into contiguous chunks, claimed by the caller and helper threads. */
typedef void (*ligo_range_fn)(void *ctx, int64_t begin, int64_t end);
void ligo_parallel_for(int64_t count, int64_t minPerThread, ligo_range_fn fn, void *ctx);
/* The same with an explicit thread count (the GEMMs use their own, see ligo_set_blas_threads). */
void ligo_parallel_for_threads(int threads, int64_t count, int64_t minPerThread, ligo_range_fn fn, void *ctx);
int ligo_pool_threads(void);
void ligo_set_pool_threads(int threads);

#endif
