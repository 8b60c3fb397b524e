/*
 * Attention probabilities in one pass each way: softmax over the keys of scale·scores with the causal mask and the
 * padding mask applied on the fly, so no [B, 1, T, T] mask tensor is built or added (GPT-2's causal attention, and
 * every family's padding mask). Rows are (batch item, head, query) triples; the row's batch item picks its key mask.
 *
 * The masks follow the plain TF.js path's additive bias exactly (models/layers/attention.ts, MASKED_LOGIT -1e9):
 *   logit[k] = scale·x[k] + (causal && k > q ? -1e9 : 0) + (keyMask[b, k] == 0 ? -1e9 : 0)
 * so a row whose keys are all masked gets the same probabilities as there (not NaN).
 *   backward: dx = scale · y ⊙ (dy - Σ_k dy·y)   (masked keys have y = 0, hence dx = 0)
 *
 * The attention core (ligo_attention_forward/backward) goes further: from q, k, v [B, T, H] straight to the context
 * [B, T, H], the same softmax in between, so the head split/merge copies and the separate matmul and softmax kernels
 * (about 30 TF.js kernel calls per block, forward and backward) become one call each way. Dropout on the
 * probabilities (BERT, RoBERTa, GPT-2 train with 0.1) happens inside too: the context is dropout(probs)·v with the
 * mask of dropout_mask.h at each entry's index in [items, heads, queries, keys], and the backward pass recomputes it.
 */
#include "kernels.h"
#include "approx_math.h"
#include "dropout_mask.h"
#include <stdlib.h>

#define MASKED_LOGIT (-1e9f)

typedef struct {
  const float *x, *y_in, *dy, *key_mask;
  float *out;
  int64_t rows_per_item; /* heads · queries */
  int queries, keys, causal;
  float scale;
} softmax_job;

/*
 * One row: y[k] = softmax over k of scale·x[k] + masks, for query q; mask = the item's key mask or NULL. Inlined
 * into each LIGO_CLONES caller, so it is vectorised for the caller's target.
 */
static inline void softmax_row(const float *x, float *y, int keys, int q, float scale, int causal, const float *mask) {
  float max = -INFINITY;
  for (int k = 0; k < keys; k++) {
    float logit = scale * x[k];
    if (causal && k > q) logit += MASKED_LOGIT;
    if (mask && mask[k] == 0.0f) logit += MASKED_LOGIT;
    y[k] = logit;
    max = logit > max ? logit : max;
  }
  float lanes[LANES] = {0};
  int k = 0;
  for (; k + LANES <= keys; k += LANES)
    for (int l = 0; l < LANES; l++) {
      float e = exp_approx(y[k + l] - max);
      y[k + l] = e;
      lanes[l] += e;
    }
  float sum = 0.0f;
  for (; k < keys; k++) {
    float e = exp_approx(y[k] - max);
    y[k] = e;
    sum += e;
  }
  for (int l = 0; l < LANES; l++) sum += lanes[l];
  const float inv = 1.0f / sum;
  for (k = 0; k < keys; k++) y[k] *= inv;
}

/* One row of the backward pass: dx = scale·y ⊙ (dy - Σ_k dy·y). dx may be dy (in place). */
static inline void softmax_row_backward(const float *y, const float *dy, float *dx, int keys, float scale) {
  float lanes[LANES] = {0};
  int k = 0;
  for (; k + LANES <= keys; k += LANES)
    for (int l = 0; l < LANES; l++) lanes[l] += dy[k + l] * y[k + l];
  float dot = 0.0f;
  for (; k < keys; k++) dot += dy[k] * y[k];
  for (int l = 0; l < LANES; l++) dot += lanes[l];
  for (k = 0; k < keys; k++) dx[k] = scale * y[k] * (dy[k] - dot);
}

LIGO_CLONES static void masked_softmax_rows(void *ctx, int64_t begin, int64_t end) {
  softmax_job *job = (softmax_job *)ctx;
  const int keys = job->keys;
  for (int64_t r = begin; r < end; r++) {
    const float *mask = job->key_mask ? job->key_mask + (r / job->rows_per_item) * keys : NULL;
    softmax_row(job->x + r * keys, job->out + r * keys, keys, (int)(r % job->queries), job->scale, job->causal, mask);
  }
}

LIGO_CLONES static void masked_softmax_backward_rows(void *ctx, int64_t begin, int64_t end) {
  softmax_job *job = (softmax_job *)ctx;
  const int keys = job->keys;
  for (int64_t r = begin; r < end; r++) softmax_row_backward(job->y_in + r * keys, job->dy + r * keys, job->out + r * keys, keys, job->scale);
}

void ligo_masked_softmax_forward(const float *x, int64_t rows, int queries, int keys, float scale, int causal,
                                 const float *keyMask, int64_t rowsPerItem, float *y) {
  softmax_job job = {0};
  job.x = x, job.key_mask = keyMask, job.out = y, job.rows_per_item = rowsPerItem;
  job.queries = queries, job.keys = keys, job.causal = causal, job.scale = scale;
  ligo_parallel_for(rows, ROWS_PER_THREAD(keys), masked_softmax_rows, &job);
}

void ligo_masked_softmax_backward(const float *y, const float *dy, int64_t rows, int keys, float scale, float *dx) {
  softmax_job job = {0};
  job.y_in = y, job.dy = dy, job.out = dx, job.keys = keys, job.scale = scale;
  ligo_parallel_for(rows, ROWS_PER_THREAD(keys), masked_softmax_backward_rows, &job);
}

/* ---- The attention core in one call per direction ---------------------------------------------------------- */

/*
 * Work item = one (batch item, head) pair. Its q/k/v/context blocks are the head's d columns of the item's rows in
 * [items, rows, heads·d] arrays (leading dimension heads·d), so the GEMMs read and write them in place: no
 * [B, T, A, d] -> [B·A, T, d] transposes, no separate scale, mask, softmax or matmul kernels.
 */
typedef struct {
  const float *q, *k, *v, *key_mask, *probs_in, *dcontext;
  float *probs, *context, *scratch, *dq, *dk, *dv;
  int heads, queries, keys, d, causal;
  int ld; /* row stride of q, k, v, dq, dk, dv (heads·d, or 3·heads·d for rows [q k v] of one fused projection) */
  float scale;
  ligo_dropout_site drop; /* threshold 0: no dropout */
} attention_job;

/* out[i] = in[i] · the dropout factor of entry `base + i` of the probabilities, for one (item, head) block. */
static inline void drop_block(const ligo_dropout_site *drop, int64_t base, const float *in, float *out, int64_t size) {
  for (int64_t i = 0; i < size; i++) out[i] = in[i] * ligo_dropout_factor(drop->key, drop->threshold, drop->scale, (uint32_t)(base + i));
}

/* Offset of head `pair % heads` of item `pair / heads` in an [items, rows, stride] array (head a: columns a·d ..). */
static inline int64_t head_block(const attention_job *j, int64_t pair, int rows, int stride) {
  return (pair / j->heads) * rows * (int64_t)stride + (pair % j->heads) * (int64_t)j->d;
}

LIGO_CLONES static void attention_forward_pairs(void *ctx, int64_t begin, int64_t end) {
  const attention_job *j = (const attention_job *)ctx;
  const int width = j->heads * j->d, ld = j->ld, queries = j->queries, keys = j->keys;
  for (int64_t pair = begin; pair < end; pair++) {
    const float *k = j->k + head_block(j, pair, keys, ld), *v = j->v + head_block(j, pair, keys, ld);
    const float *mask = j->key_mask ? j->key_mask + (pair / j->heads) * keys : NULL;
    const int64_t base = pair * queries * keys;
    float *p = j->probs + base;
    ligo_sgemm_ld(0, 1, queries, keys, j->d, 1.0f, j->q + head_block(j, pair, queries, ld), ld, k, ld, p, keys); /* q·kᵀ */
    for (int r = 0; r < queries; r++) softmax_row(p + r * keys, p + r * keys, keys, r, j->scale, j->causal, mask);
    const float *used = p; /* the probabilities the context is made of: dropped ones in the scratch */
    if (j->drop.threshold) {
      drop_block(&j->drop, base, p, j->scratch + base, (int64_t)queries * keys);
      used = j->scratch + base;
    }
    ligo_sgemm_ld(0, 0, queries, j->d, keys, 1.0f, used, keys, v, ld, j->context + head_block(j, pair, queries, width), width);
  }
}

LIGO_CLONES static void attention_backward_pairs(void *ctx, int64_t begin, int64_t end) {
  const attention_job *j = (const attention_job *)ctx;
  const int width = j->heads * j->d, ld = j->ld, queries = j->queries, keys = j->keys, d = j->d;
  for (int64_t pair = begin; pair < end; pair++) {
    const int64_t qBlock = head_block(j, pair, queries, ld), kBlock = head_block(j, pair, keys, ld);
    const int64_t base = pair * queries * keys, size = (int64_t)queries * keys;
    const float *p = j->probs_in + base, *dc = j->dcontext + head_block(j, pair, queries, width);
    float *ds = j->scratch + base;
    if (j->drop.threshold) drop_block(&j->drop, base, p, ds, size); /* the dropped probabilities, for dv */
    ligo_sgemm_ld(1, 0, keys, d, queries, 1.0f, j->drop.threshold ? ds : p, keys, dc, width, j->dv + kBlock, ld); /* dv = pᵀ·dc */
    ligo_sgemm_ld(0, 1, queries, keys, d, 1.0f, dc, width, j->v + kBlock, ld, ds, keys);          /* dp = dc·vᵀ */
    if (j->drop.threshold) drop_block(&j->drop, base, ds, ds, size); /* back through the dropout */
    for (int r = 0; r < queries; r++) softmax_row_backward(p + r * keys, ds + r * keys, ds + r * keys, keys, j->scale);
    ligo_sgemm_ld(0, 0, queries, d, keys, 1.0f, ds, keys, j->k + kBlock, ld, j->dq + qBlock, ld); /* dq = ds·k */
    ligo_sgemm_ld(1, 0, keys, d, queries, 1.0f, ds, keys, j->q + qBlock, ld, j->dk + kBlock, ld);  /* dk = dsᵀ·q */
  }
}

/* Pairs per chunk: enough multiply-adds that a chunk outweighs claiming it. */
static int64_t pairs_per_thread(int queries, int keys, int d) {
  const int64_t work = (int64_t)queries * keys * (d > 0 ? d : 1);
  return work >= 65536 ? 1 : 65536 / (work + 1) + 1;
}

/*
 * Threads for a call of `pairs` (item, head) pairs. Each pair is a few small BLAS calls, and concurrent calls contend
 * inside the BLAS (OpenBLAS takes a lock for its work buffer on every call): ViT's 96 pairs of 17 × 17 × 32 ran
 * slower on 2 threads than on 1 (forward 0.26-0.28 against 0.18-0.24 ms, backward 0.41-0.43 against 0.21-0.29 ms,
 * three runs each), so calls below 8M multiply-adds stay on the calling thread. GPT-2's 48 pairs of 64 × 64 × 64
 * (12.6M) still split.
 */
static int attention_threads(int64_t pairs, int queries, int keys, int d) {
  return pairs * queries * keys * (int64_t)(d > 0 ? d : 1) < (1 << 23) ? 1 : ligo_pool_threads();
}

int ligo_attention_forward(const float *q, const float *k, const float *v, int items, int heads, int queries, int keys,
                           int headDim, int ld, float scale, int causal, const float *keyMask,
                           const ligo_dropout_site *drop, float *probs, float *context) {
  attention_job job = {0};
  if (drop && drop->threshold) {
    job.drop = *drop;
    /* the dropped probabilities of every pair, [items, heads, queries, keys] (the saved probs stay undropped) */
    job.scratch = (float *)malloc(sizeof(float) * (size_t)items * heads * queries * keys);
    if (!job.scratch) return -1;
  }
  job.q = q, job.k = k, job.v = v, job.key_mask = keyMask, job.probs = probs, job.context = context;
  job.heads = heads, job.queries = queries, job.keys = keys, job.d = headDim, job.ld = ld, job.causal = causal, job.scale = scale;
  const int64_t pairs = (int64_t)items * heads;
  ligo_parallel_for_threads(attention_threads(pairs, queries, keys, headDim), pairs, pairs_per_thread(queries, keys, headDim), attention_forward_pairs, &job);
  free(job.scratch);
  return 0;
}

int ligo_attention_backward(const float *q, const float *k, const float *v, const float *probs, const float *dcontext,
                            int items, int heads, int queries, int keys, int headDim, int ld, float scale,
                            const ligo_dropout_site *drop, float *dq, float *dk, float *dv) {
  attention_job job = {0};
  if (drop) job.drop = *drop;
  /* dp / ds of every pair, [items, heads, queries, keys] like probs (the saved probs are a tensor: never written). */
  job.scratch = (float *)malloc(sizeof(float) * (size_t)items * heads * queries * keys);
  if (!job.scratch) return -1;
  job.q = q, job.k = k, job.v = v, job.probs_in = probs, job.dcontext = dcontext, job.dq = dq, job.dk = dk, job.dv = dv;
  job.heads = heads, job.queries = queries, job.keys = keys, job.d = headDim, job.ld = ld, job.scale = scale;
  const int64_t pairs = (int64_t)items * heads;
  ligo_parallel_for_threads(attention_threads(pairs, queries, keys, headDim), pairs, pairs_per_thread(queries, keys, headDim), attention_backward_pairs, &job);
  free(job.scratch);
  return 0;
}

/* ---- Talking-heads attention (CaiT's self-attention) in one call per direction ---------------------------- */

/*
 * Talking heads (Shazeer et al. 2020; timm cait.py) mix the heads twice: before the softmax on the scaled scores and
 * after it on the probabilities, out[a'] = Σ_a W[a', a]·in[a] + b[a'] over [heads, queries·keys] per item. Items run
 * one after another on the calling thread: the backward pass sums the mixing weights' gradients over items, and at the
 * sizes CaiT trains on a desktop (16 tokens, 3 heads) threads lost on the per-pair attention too (see above).
 * S (scaled scores), P (softmax of the mixed scores) and M (the mixed probabilities) are kept for the backward pass;
 * the dropout, as in ligo_attention_forward, drops entries of M by their index in [items, heads, queries, keys].
 */
static void mix_heads(const float *w, const float *b, const float *in, int heads, int64_t cells, float *out) {
  ligo_sgemm_ld(0, 0, heads, (int)cells, heads, 1.0f, w, heads, in, (int)cells, out, (int)cells); /* [A, A]·[A, cells] */
  for (int a = 0; a < heads; a++)
    for (int64_t c = 0; c < cells; c++) out[a * cells + c] += b[a];
}

int ligo_talking_attention_forward(const float *q, const float *k, const float *v, int items, int heads, int queries,
                                   int keys, int headDim, int ld, float scale, const float *wPre, const float *bPre,
                                   const float *wPost, const float *bPost, const ligo_dropout_site *drop, float *scores,
                                   float *probs, float *mixed, float *context) {
  const int width = heads * headDim;
  const int64_t cells = (int64_t)queries * keys, block = heads * cells;
  float *dropped = NULL;
  if (drop && drop->threshold && !(dropped = (float *)malloc(sizeof(float) * (size_t)block))) return -1;
  for (int i = 0; i < items; i++) {
    float *s = scores + i * block, *p = probs + i * block, *m = mixed + i * block;
    for (int a = 0; a < heads; a++) /* S_a = scale · q_a·k_aᵀ */
      ligo_sgemm_ld(0, 1, queries, keys, headDim, scale, q + (int64_t)i * queries * ld + a * headDim, ld,
                    k + (int64_t)i * keys * ld + a * headDim, ld, s + a * cells, keys);
    mix_heads(wPre, bPre, s, heads, cells, p);
    for (int64_t r = 0; r < heads * (int64_t)queries; r++) softmax_row(p + r * keys, p + r * keys, keys, 0, 1.0f, 0, NULL);
    mix_heads(wPost, bPost, p, heads, cells, m);
    const float *used = m;
    if (dropped) {
      drop_block(drop, i * block, m, dropped, block);
      used = dropped;
    }
    for (int a = 0; a < heads; a++) /* context_a = M_a·v_a */
      ligo_sgemm_ld(0, 0, queries, headDim, keys, 1.0f, used + a * cells, keys, v + (int64_t)i * keys * ld + a * headDim, ld,
                    context + (int64_t)i * queries * width + a * headDim, width);
  }
  free(dropped);
  return 0;
}

/* Adds the gradients of out = W·in + b (over one item's [heads, cells]) to dW [A, A] and db [A]; writes din = Wᵀ·dout. */
static void mix_heads_backward(const float *w, const float *in, const float *dout, int heads, int64_t cells, float *dw,
                               float *db, float *din, float *tmp) {
  ligo_sgemm_ld(0, 1, heads, heads, (int)cells, 1.0f, dout, (int)cells, in, (int)cells, tmp, heads); /* dout·inᵀ */
  for (int e = 0; e < heads * heads; e++) dw[e] += tmp[e];
  for (int a = 0; a < heads; a++)
    for (int64_t c = 0; c < cells; c++) db[a] += dout[a * cells + c];
  ligo_sgemm_ld(1, 0, heads, (int)cells, heads, 1.0f, w, heads, dout, (int)cells, din, (int)cells); /* Wᵀ·dout */
}

int ligo_talking_attention_backward(const float *q, const float *k, const float *v, const float *scores,
                                    const float *probs, const float *mixed, const float *dcontext, int items, int heads,
                                    int queries, int keys, int headDim, int ld, float scale, const float *wPre,
                                    const float *wPost, const ligo_dropout_site *drop, float *dq, float *dk, float *dv,
                                    float *dwPre, float *dbPre, float *dwPost, float *dbPost) {
  const int width = heads * headDim;
  const int64_t cells = (int64_t)queries * keys, block = heads * cells;
  float *work = (float *)malloc(sizeof(float) * (size_t)(3 * block + heads * heads));
  if (!work) return -1;
  float *dm = work, *dp = work + block, *mdrop = work + 2 * block, *tmp = work + 3 * block;
  for (int e = 0; e < heads * heads; e++) dwPre[e] = 0.0f, dwPost[e] = 0.0f;
  for (int a = 0; a < heads; a++) dbPre[a] = 0.0f, dbPost[a] = 0.0f;
  const int dropping = drop && drop->threshold;
  for (int i = 0; i < items; i++) {
    const float *s = scores + i * block, *p = probs + i * block, *m = mixed + i * block;
    const float *dc = dcontext + (int64_t)i * queries * width;
    if (dropping) drop_block(drop, i * block, m, mdrop, block); /* the mixed probabilities the context used */
    for (int a = 0; a < heads; a++) {
      const int64_t kOff = (int64_t)i * keys * ld + a * headDim;
      ligo_sgemm_ld(1, 0, keys, headDim, queries, 1.0f, (dropping ? mdrop : m) + a * cells, keys, dc + a * headDim, width,
                    dv + kOff, ld);                                                                            /* dv_a = M_aᵀ·dc_a */
      ligo_sgemm_ld(0, 1, queries, keys, headDim, 1.0f, dc + a * headDim, width, v + kOff, ld, dm + a * cells, keys); /* dM_a */
    }
    if (dropping) drop_block(drop, i * block, dm, dm, block);
    mix_heads_backward(wPost, p, dm, heads, cells, dwPost, dbPost, dp, tmp); /* dp = W_postᵀ·dM */
    for (int64_t r = 0; r < heads * (int64_t)queries; r++) softmax_row_backward(p + r * keys, dp + r * keys, dp + r * keys, keys, 1.0f);
    mix_heads_backward(wPre, s, dp, heads, cells, dwPre, dbPre, dm, tmp); /* dm = dS = W_preᵀ·dS' */
    for (int a = 0; a < heads; a++) {
      const int64_t qOff = (int64_t)i * queries * ld + a * headDim, kOff = (int64_t)i * keys * ld + a * headDim;
      ligo_sgemm_ld(0, 0, queries, headDim, keys, scale, dm + a * cells, keys, k + kOff, ld, dq + qOff, ld); /* dq_a = scale·dS_a·k_a */
      ligo_sgemm_ld(1, 0, keys, headDim, queries, scale, dm + a * cells, keys, q + qOff, ld, dk + kOff, ld); /* dk_a = scale·dS_aᵀ·q_a */
    }
  }
  free(work);
  return 0;
}
