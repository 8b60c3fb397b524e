/*
 * Node-API glue for kernels.h. Node-API only (NAPI_VERSION 8): the binary is ABI-stable across Node and Electron
 * versions, so it needs no rebuild for Electron.
 *
 * Every tensor argument is a typed array; for the tfjs wasm backend they are views of the wasm heap, so kernels
 * read and write the tensors' own memory (no copies). Sizes are checked against each view's length here, so a
 * wrong call throws a TypeError/RangeError instead of touching memory outside the view.
 */
#include <node_api.h>
#include <stdio.h>
#include "kernels.h"

#define MAX_ARGS 28

#define CHECK_NAPI(call)                                                   \
  do {                                                                     \
    if ((call) != napi_ok) {                                               \
      napi_throw_error(env, "LIGO_NATIVE", "Node-API call failed: " #call); \
      return NULL;                                                         \
    }                                                                      \
  } while (0)

typedef struct {
  napi_env env;
  napi_value argv[MAX_ARGS];
  size_t argc;
  const char *fn;
  int failed;
} call_args;

static int read_args(napi_env env, napi_callback_info info, call_args *args, size_t expected, const char *fn) {
  args->env = env;
  args->argc = MAX_ARGS;
  args->fn = fn;
  args->failed = 0;
  if (napi_get_cb_info(env, info, &args->argc, args->argv, NULL, NULL) != napi_ok || args->argc < expected) {
    char message[160];
    snprintf(message, sizeof message, "%s: expected %zu arguments, got %zu", fn, expected, args->argc);
    napi_throw_type_error(env, NULL, message);
    return 0;
  }
  return 1;
}

static void fail(call_args *args, const char *what, int index, int range) {
  if (args->failed) return;
  char message[200];
  snprintf(message, sizeof message, "%s: argument %d %s", args->fn, index, what);
  if (range) napi_throw_range_error(args->env, NULL, message);
  else napi_throw_type_error(args->env, NULL, message);
  args->failed = 1;
}

static double num(call_args *args, int index) {
  double value = 0;
  if (!args->failed && napi_get_value_double(args->env, args->argv[index], &value) != napi_ok) fail(args, "must be a number", index, 0);
  return value;
}

static int flag(call_args *args, int index) {
  bool value = false;
  if (!args->failed && napi_get_value_bool(args->env, args->argv[index], &value) != napi_ok) fail(args, "must be a boolean", index, 0);
  return value ? 1 : 0;
}

/* A typed array of the given type with at least `needed` elements; NULL (and a pending exception) otherwise. */
static void *typed(call_args *args, int index, napi_typedarray_type type, int64_t needed) {
  if (args->failed) return NULL;
  bool is_typed = false;
  napi_is_typedarray(args->env, args->argv[index], &is_typed);
  if (!is_typed) {
    fail(args, type == napi_float32_array ? "must be a Float32Array" : "must be an Int32Array", index, 0);
    return NULL;
  }
  napi_typedarray_type actual;
  size_t length;
  void *data;
  if (napi_get_typedarray_info(args->env, args->argv[index], &actual, &length, &data, NULL, NULL) != napi_ok || actual != type) {
    fail(args, type == napi_float32_array ? "must be a Float32Array" : "must be an Int32Array", index, 0);
    return NULL;
  }
  if (needed < 0 || (int64_t)length < needed) {
    char what[120];
    snprintf(what, sizeof what, "has %zu elements, needs %lld", length, (long long)needed);
    fail(args, what, index, 1);
    return NULL;
  }
  return data;
}

static int positive_dims(call_args *args, int first, int count) {
  for (int i = first; i < first + count; i++) {
    double v = num(args, i);
    if (args->failed) return 0;
    if (v < 0 || v != (double)(int)v) {
      fail(args, "must be a non-negative integer", i, 1);
      return 0;
    }
  }
  return 1;
}

/*
 * A stride or element count: an integer in [0, 2^53]. Converting NaN, an infinity or a value beyond int64 to int64
 * is undefined behaviour, and a fraction would be truncated silently, so all of them are refused (issue 16).
 */
static int64_t index_arg(call_args *args, int index) {
  double v = num(args, index);
  if (args->failed) return 0;
  if (!(v >= 0 && v <= 9007199254740992.0) || v != (double)(int64_t)v) {
    fail(args, "must be an integer in [0, 2^53]", index, 1);
    return 0;
  }
  return (int64_t)v;
}

/* A 32-bit unsigned integer (a dropout key or threshold): an integer in [0, 2^32). */
static uint32_t u32_arg(call_args *args, int index) {
  double v = num(args, index);
  if (args->failed) return 0;
  if (!(v >= 0 && v < 4294967296.0) || v != (double)(uint32_t)v) {
    fail(args, "must be an integer in [0, 2^32)", index, 1);
    return 0;
  }
  return (uint32_t)v;
}

/* Dropout settings from arguments key, threshold, scale (dropout_mask.h); threshold 0 means none. */
static ligo_dropout_site dropout_args(call_args *args, int first) {
  ligo_dropout_site site = {u32_arg(args, first), u32_arg(args, first + 1), (float)num(args, first + 2)};
  return site;
}

/* a * b + c for non-negative operands, or -1 when it does not fit in int64 (a wrapped product could pass a length
 * check and let a kernel run far outside the arrays). */
static int64_t checked_mad(int64_t a, int64_t b, int64_t c) {
  if (a != 0 && b > (INT64_MAX - c) / a) return -1;
  return a * b + c;
}

/* sgemm(transA, transB, batch, m, n, k, a, strideA, b, strideB, c) */
static napi_value js_sgemm(napi_env env, napi_callback_info info) {
  call_args args;
  if (!read_args(env, info, &args, 11, "sgemm")) return NULL;
  int ta = flag(&args, 0), tb = flag(&args, 1);
  if (!positive_dims(&args, 2, 4)) return NULL;
  int batch = (int)num(&args, 2), m = (int)num(&args, 3), n = (int)num(&args, 4), k = (int)num(&args, 5);
  const int64_t strideA = index_arg(&args, 7), strideB = index_arg(&args, 9);
  if (args.failed) return NULL;
  const int64_t sizeA = (int64_t)m * k, sizeB = (int64_t)k * n; /* dims are ints: these products fit */
  if (strideA != 0 && strideA < sizeA) fail(&args, "(strideA) is smaller than one matrix", 7, 1);
  if (strideB != 0 && strideB < sizeB) fail(&args, "(strideB) is smaller than one matrix", 9, 1);
  const int64_t last = batch > 0 ? batch - 1 : 0;
  const int64_t needA = batch ? checked_mad(last, strideA, sizeA) : 0, needB = batch ? checked_mad(last, strideB, sizeB) : 0;
  const int64_t needC = checked_mad(batch, (int64_t)m * n, 0);
  if (needA < 0) fail(&args, "(strideA) times the batch overflows int64", 7, 1);
  if (needB < 0) fail(&args, "(strideB) times the batch overflows int64", 9, 1);
  if (needC < 0) fail(&args, "(c) would need batch * m * n elements, which overflows int64", 10, 1);
  const float *a = typed(&args, 6, napi_float32_array, needA);
  const float *b = typed(&args, 8, napi_float32_array, needB);
  float *c = typed(&args, 10, napi_float32_array, needC);
  if (args.failed) return NULL;
  if (batch > 0 && m > 0 && n > 0) ligo_sgemm_batched(ta, tb, batch, m, n, k, a, strideA, b, strideB, c);
  return NULL;
}

/* An optional float32 argument: NULL for a JavaScript null, else a Float32Array of at least `needed` elements. */
static float *optional_f32(call_args *args, int index, int64_t needed) {
  napi_valuetype type = napi_undefined;
  if (!args->failed) napi_typeof(args->env, args->argv[index], &type);
  return type == napi_null ? NULL : typed(args, index, napi_float32_array, needed);
}

/* linearForward(x, w, b | null, rows, in, out, y): y [rows, out] = x [rows, in] · wᵀ + b, w [out, in] */
static napi_value js_linear_forward(napi_env env, napi_callback_info info) {
  call_args args;
  if (!read_args(env, info, &args, 7, "linearForward")) return NULL;
  if (!positive_dims(&args, 3, 3)) return NULL;
  const int rows = (int)num(&args, 3), in = (int)num(&args, 4), out = (int)num(&args, 5); /* ints: products fit */
  const float *x = typed(&args, 0, napi_float32_array, (int64_t)rows * in);
  const float *w = typed(&args, 1, napi_float32_array, (int64_t)out * in);
  const float *b = optional_f32(&args, 2, out);
  float *y = typed(&args, 6, napi_float32_array, (int64_t)rows * out);
  if (args.failed) return NULL;
  if (rows > 0 && out > 0) ligo_linear_forward(x, w, b, rows, in, out, y);
  return NULL;
}

/* linearBackward(dy, x, w, rows, in, out, dx, dw, db | null) */
static napi_value js_linear_backward(napi_env env, napi_callback_info info) {
  call_args args;
  if (!read_args(env, info, &args, 9, "linearBackward")) return NULL;
  if (!positive_dims(&args, 3, 3)) return NULL;
  const int rows = (int)num(&args, 3), in = (int)num(&args, 4), out = (int)num(&args, 5);
  const float *dy = typed(&args, 0, napi_float32_array, (int64_t)rows * out);
  const float *x = typed(&args, 1, napi_float32_array, (int64_t)rows * in);
  const float *w = typed(&args, 2, napi_float32_array, (int64_t)out * in);
  float *dx = typed(&args, 6, napi_float32_array, (int64_t)rows * in);
  float *dw = typed(&args, 7, napi_float32_array, (int64_t)out * in);
  float *db = optional_f32(&args, 8, out);
  if (args.failed) return NULL;
  if (in > 0 && out > 0) ligo_linear_backward(dy, x, w, rows, in, out, dx, dw, db);
  return NULL;
}

/* softmaxXentForward(logits, labels, rows, classes, lse) -> [summed loss, counted rows] */
static napi_value js_xent_forward(napi_env env, napi_callback_info info) {
  call_args args;
  if (!read_args(env, info, &args, 5, "softmaxXentForward")) return NULL;
  if (!positive_dims(&args, 2, 2)) return NULL;
  int rows = (int)num(&args, 2), classes = (int)num(&args, 3);
  const float *logits = typed(&args, 0, napi_float32_array, (int64_t)rows * classes);
  const int32_t *labels = typed(&args, 1, napi_int32_array, rows);
  float *lse = typed(&args, 4, napi_float32_array, rows);
  if (args.failed) return NULL;
  int counted = 0;
  double total = ligo_softmax_xent_forward(logits, labels, rows, classes, lse, &counted);
  napi_value result, v0, v1;
  CHECK_NAPI(napi_create_array_with_length(env, 2, &result));
  CHECK_NAPI(napi_create_double(env, total, &v0));
  CHECK_NAPI(napi_create_int32(env, counted, &v1));
  CHECK_NAPI(napi_set_element(env, result, 0, v0));
  CHECK_NAPI(napi_set_element(env, result, 1, v1));
  return result;
}

/* softmaxXentBackward(logits, labels, lse, rows, classes, scale, dlogits) */
static napi_value js_xent_backward(napi_env env, napi_callback_info info) {
  call_args args;
  if (!read_args(env, info, &args, 7, "softmaxXentBackward")) return NULL;
  if (!positive_dims(&args, 3, 2)) return NULL;
  int rows = (int)num(&args, 3), classes = (int)num(&args, 4);
  float scale = (float)num(&args, 5);
  const float *logits = typed(&args, 0, napi_float32_array, (int64_t)rows * classes);
  const int32_t *labels = typed(&args, 1, napi_int32_array, rows);
  const float *lse = typed(&args, 2, napi_float32_array, rows);
  float *dlogits = typed(&args, 6, napi_float32_array, (int64_t)rows * classes);
  if (args.failed) return NULL;
  ligo_softmax_xent_backward(logits, labels, lse, rows, classes, scale, dlogits);
  return NULL;
}

/* layerNormForward(x, gamma, beta, rows, cols, eps, y, mean, rstd) */
static napi_value js_layer_norm_forward(napi_env env, napi_callback_info info) {
  call_args args;
  if (!read_args(env, info, &args, 9, "layerNormForward")) return NULL;
  if (!positive_dims(&args, 3, 2)) return NULL;
  int rows = (int)num(&args, 3), cols = (int)num(&args, 4);
  float eps = (float)num(&args, 5);
  const int64_t size = (int64_t)rows * cols;
  const float *x = typed(&args, 0, napi_float32_array, size);
  const float *gamma = typed(&args, 1, napi_float32_array, cols);
  const float *beta = typed(&args, 2, napi_float32_array, cols);
  float *y = typed(&args, 6, napi_float32_array, size);
  float *mean = typed(&args, 7, napi_float32_array, rows);
  float *rstd = typed(&args, 8, napi_float32_array, rows);
  if (args.failed) return NULL;
  ligo_layer_norm_forward(x, gamma, beta, rows, cols, eps, y, mean, rstd);
  return NULL;
}

/* layerNormBackward(dy, x, gamma, mean, rstd, rows, cols, dx, dgamma, dbeta) */
static napi_value js_layer_norm_backward(napi_env env, napi_callback_info info) {
  call_args args;
  if (!read_args(env, info, &args, 10, "layerNormBackward")) return NULL;
  if (!positive_dims(&args, 5, 2)) return NULL;
  int rows = (int)num(&args, 5), cols = (int)num(&args, 6);
  const int64_t size = (int64_t)rows * cols;
  const float *dy = typed(&args, 0, napi_float32_array, size);
  const float *x = typed(&args, 1, napi_float32_array, size);
  const float *gamma = typed(&args, 2, napi_float32_array, cols);
  const float *mean = typed(&args, 3, napi_float32_array, rows);
  const float *rstd = typed(&args, 4, napi_float32_array, rows);
  float *dx = typed(&args, 7, napi_float32_array, size);
  float *dgamma = typed(&args, 8, napi_float32_array, cols);
  float *dbeta = typed(&args, 9, napi_float32_array, cols);
  if (args.failed) return NULL;
  ligo_layer_norm_backward(dy, x, gamma, mean, rstd, rows, cols, dx, dgamma, dbeta);
  return NULL;
}

/* An element-wise activation: forward(x, size, y) or backward(dy, x, size, dx). */
typedef void (*unary_forward_fn)(const float *x, int64_t size, float *y);
typedef void (*unary_backward_fn)(const float *dy, const float *x, int64_t size, float *dx);

static napi_value unary_forward(napi_env env, napi_callback_info info, const char *name, unary_forward_fn fn) {
  call_args args;
  if (!read_args(env, info, &args, 3, name)) return NULL;
  if (!positive_dims(&args, 1, 1)) return NULL;
  int64_t size = (int64_t)num(&args, 1);
  const float *x = typed(&args, 0, napi_float32_array, size);
  float *y = typed(&args, 2, napi_float32_array, size);
  if (args.failed) return NULL;
  fn(x, size, y);
  return NULL;
}

static napi_value unary_backward(napi_env env, napi_callback_info info, const char *name, unary_backward_fn fn) {
  call_args args;
  if (!read_args(env, info, &args, 4, name)) return NULL;
  if (!positive_dims(&args, 2, 1)) return NULL;
  int64_t size = (int64_t)num(&args, 2);
  const float *dy = typed(&args, 0, napi_float32_array, size);
  const float *x = typed(&args, 1, napi_float32_array, size);
  float *dx = typed(&args, 3, napi_float32_array, size);
  if (args.failed) return NULL;
  fn(dy, x, size, dx);
  return NULL;
}

/* geluForward(x, size, y) / geluBackward(dy, x, size, dx): erf GELU */
static napi_value js_gelu_forward(napi_env env, napi_callback_info info) { return unary_forward(env, info, "geluForward", ligo_gelu_forward); }
static napi_value js_gelu_backward(napi_env env, napi_callback_info info) { return unary_backward(env, info, "geluBackward", ligo_gelu_backward); }

/* geluTanhForward / geluTanhBackward: GPT-2's "gelu_new" (kernels_gelu_tanh.c), same arguments */
static napi_value js_gelu_tanh_forward(napi_env env, napi_callback_info info) { return unary_forward(env, info, "geluTanhForward", ligo_gelu_tanh_forward); }
static napi_value js_gelu_tanh_backward(napi_env env, napi_callback_info info) { return unary_backward(env, info, "geluTanhBackward", ligo_gelu_tanh_backward); }

/* adamwUpdate(param, m, v, grad, size, lr, beta1, beta2, eps, weightDecay, step): param, m, v in place */
static napi_value js_adamw(napi_env env, napi_callback_info info) {
  call_args args;
  if (!read_args(env, info, &args, 11, "adamwUpdate")) return NULL;
  if (!positive_dims(&args, 4, 1) || !positive_dims(&args, 10, 1)) return NULL;
  int64_t size = (int64_t)num(&args, 4);
  float lr = (float)num(&args, 5), b1 = (float)num(&args, 6), b2 = (float)num(&args, 7), eps = (float)num(&args, 8);
  float decay = (float)num(&args, 9);
  int step = (int)num(&args, 10);
  if (!args.failed && step < 1) fail(&args, "(step) must be at least 1", 10, 1);
  float *param = typed(&args, 0, napi_float32_array, size);
  float *m = typed(&args, 1, napi_float32_array, size);
  float *v = typed(&args, 2, napi_float32_array, size);
  const float *grad = typed(&args, 3, napi_float32_array, size);
  if (args.failed) return NULL;
  ligo_adamw_update(param, m, v, grad, size, lr, b1, b2, eps, decay, step);
  return NULL;
}

/* sumOuter(x, outer, inner, out) / sumInner(x, outer, inner, out): x [outer, inner] -> out [inner] / [outer] */
static napi_value sum_axis(napi_env env, napi_callback_info info, int over_outer) {
  call_args args;
  if (!read_args(env, info, &args, 4, over_outer ? "sumOuter" : "sumInner")) return NULL;
  if (!positive_dims(&args, 1, 2)) return NULL;
  int64_t outer = (int64_t)num(&args, 1), inner = (int64_t)num(&args, 2);
  const float *x = typed(&args, 0, napi_float32_array, outer * inner);
  float *out = typed(&args, 3, napi_float32_array, over_outer ? inner : outer);
  if (args.failed) return NULL;
  if (over_outer) ligo_sum_outer(x, outer, inner, out);
  else ligo_sum_inner(x, outer, inner, out);
  return NULL;
}
static napi_value js_sum_outer(napi_env env, napi_callback_info info) { return sum_axis(env, info, 1); }
static napi_value js_sum_inner(napi_env env, napi_callback_info info) { return sum_axis(env, info, 0); }

/* unsortedSegmentSum(x, ids, count, inner, segments, out): x [count, inner], ids [count] -> out [segments, inner] */
static napi_value js_segment_sum(napi_env env, napi_callback_info info) {
  call_args args;
  if (!read_args(env, info, &args, 6, "unsortedSegmentSum")) return NULL;
  if (!positive_dims(&args, 2, 3)) return NULL;
  int64_t count = (int64_t)num(&args, 2), inner = (int64_t)num(&args, 3), segments = (int64_t)num(&args, 4);
  const float *x = typed(&args, 0, napi_float32_array, count * inner);
  const int32_t *ids = typed(&args, 1, napi_int32_array, count);
  float *out = typed(&args, 5, napi_float32_array, segments * inner);
  if (args.failed) return NULL;
  ligo_unsorted_segment_sum(x, ids, count, inner, segments, out);
  return NULL;
}

/*
 * maskedSoftmaxForward(x, items, heads, queries, keys, scale, causal, keyMask | null, y) (kernels_attention.c):
 * x, y [items·heads·queries, keys]; keyMask [items, keys] or null.
 */
static napi_value js_masked_softmax_forward(napi_env env, napi_callback_info info) {
  call_args args;
  if (!read_args(env, info, &args, 9, "maskedSoftmaxForward")) return NULL;
  if (!positive_dims(&args, 1, 4)) return NULL;
  int64_t items = (int64_t)num(&args, 1), heads = (int64_t)num(&args, 2);
  int queries = (int)num(&args, 3), keys = (int)num(&args, 4);
  float scale = (float)num(&args, 5);
  int causal = flag(&args, 6);
  if (!args.failed && causal && queries != keys) fail(&args, "(causal) needs as many queries as keys", 6, 1);
  const int64_t rows = items * heads * queries, size = rows * keys;
  const float *x = typed(&args, 0, napi_float32_array, size);
  const float *mask = optional_f32(&args, 7, items * keys);
  float *y = typed(&args, 8, napi_float32_array, size);
  if (args.failed) return NULL;
  if (rows > 0 && keys > 0) ligo_masked_softmax_forward(x, rows, queries, keys, scale, causal, mask, heads * queries, y);
  return NULL;
}

/* maskedSoftmaxBackward(y, dy, rows, keys, scale, dx) */
static napi_value js_masked_softmax_backward(napi_env env, napi_callback_info info) {
  call_args args;
  if (!read_args(env, info, &args, 6, "maskedSoftmaxBackward")) return NULL;
  if (!positive_dims(&args, 2, 2)) return NULL;
  int64_t rows = (int64_t)num(&args, 2);
  int keys = (int)num(&args, 3);
  float scale = (float)num(&args, 4);
  const float *y = typed(&args, 0, napi_float32_array, rows * keys);
  const float *dy = typed(&args, 1, napi_float32_array, rows * keys);
  float *dx = typed(&args, 5, napi_float32_array, rows * keys);
  if (args.failed) return NULL;
  if (rows > 0 && keys > 0) ligo_masked_softmax_backward(y, dy, rows, keys, scale, dx);
  return NULL;
}

/* add(a, b, size, out): out = a + b (out may be a or b); the argument shape of an activation's backward pass */
static napi_value js_add(napi_env env, napi_callback_info info) { return unary_backward(env, info, "add", ligo_add); }

/*
 * scaleAdd(x, a, gamma, rows, cols, y): y = x + a ⊙ gamma over rows (CaiT's LayerScale residual);
 * scaleBackward(dy, a, gamma, rows, cols, da, dgamma): da = dy ⊙ gamma, dgamma = Σ_rows dy ⊙ a.
 */
static napi_value scale_call(napi_env env, napi_callback_info info, int backward) {
  call_args args;
  if (!read_args(env, info, &args, backward ? 7 : 6, backward ? "scaleBackward" : "scaleAdd") || !positive_dims(&args, 3, 2)) return NULL;
  const int64_t rows = (int64_t)num(&args, 3), cols = (int64_t)num(&args, 4), cells = checked_mad(rows, cols, 0);
  const float *first = typed(&args, 0, napi_float32_array, cells); /* x forward, dy backward */
  const float *a = typed(&args, 1, napi_float32_array, cells);
  const float *gamma = typed(&args, 2, napi_float32_array, cols);
  float *out = typed(&args, 5, napi_float32_array, cells); /* y forward, da backward */
  float *dgamma = backward ? typed(&args, 6, napi_float32_array, cols) : NULL;
  if (args.failed) return NULL;
  if (backward) ligo_scale_backward(first, a, gamma, rows, (int)cols, out, dgamma);
  else ligo_scale_add(first, a, gamma, rows, (int)cols, out);
  return NULL;
}
static napi_value js_scale_add(napi_env env, napi_callback_info info) { return scale_call(env, info, 0); }
static napi_value js_scale_backward(napi_env env, napi_callback_info info) { return scale_call(env, info, 1); }

/* dropout(x, size, key, threshold, scale, y) (kernels_dropout.c); also its own backward pass, on dy */
static napi_value js_dropout(napi_env env, napi_callback_info info) {
  call_args args;
  if (!read_args(env, info, &args, 6, "dropout")) return NULL;
  int64_t size = index_arg(&args, 1);
  ligo_dropout_site site = dropout_args(&args, 2);
  const float *x = typed(&args, 0, napi_float32_array, size);
  float *y = typed(&args, 5, napi_float32_array, size);
  if (args.failed) return NULL;
  if (size > 4294967296LL) {
    fail(&args, "(size) must be below 2^32: the mask indexes elements with 32 bits", 1, 1);
    return NULL;
  }
  ligo_dropout(x, size, site.key, site.threshold, site.scale, y);
  return NULL;
}

/*
 * Sizes of an attention call: context [items·queries·width] (width = heads·headDim); q, k, v read with row stride ld
 * (>= width), so they need (rows - 1)·ld + width elements; probs [items·heads·queries·keys].
 */
typedef struct {
  int items, heads, queries, keys, head_dim, ld;
  int64_t q_size, kv_size, context_size, probs_size;
} attention_dims;

/* Elements a [rows, stride] array needs when only the first `width` columns of its last row are read. */
static int64_t strided_size(int64_t rows, int64_t stride, int64_t width) { return rows == 0 ? 0 : checked_mad(rows - 1, stride, width); }

static int attention_dims_of(call_args *args, int first, attention_dims *dims) {
  if (!positive_dims(args, first, 6)) return 0;
  dims->items = (int)num(args, first), dims->heads = (int)num(args, first + 1);
  dims->queries = (int)num(args, first + 2), dims->keys = (int)num(args, first + 3), dims->head_dim = (int)num(args, first + 4);
  dims->ld = (int)num(args, first + 5);
  const int64_t width = (int64_t)dims->heads * dims->head_dim; /* ints: every product below fits in int64 */
  if (dims->ld < width) {
    fail(args, "(the row stride of q, k, v) must be at least heads·headDim", first + 5, 1);
    return 0;
  }
  dims->q_size = strided_size((int64_t)dims->items * dims->queries, dims->ld, width);
  dims->kv_size = strided_size((int64_t)dims->items * dims->keys, dims->ld, width);
  dims->context_size = checked_mad((int64_t)dims->items * dims->queries, width, 0);
  dims->probs_size = checked_mad((int64_t)dims->items * dims->heads, (int64_t)dims->queries * dims->keys, 0);
  if (dims->q_size < 0 || dims->kv_size < 0 || dims->context_size < 0 || dims->probs_size < 0) {
    fail(args, "(the sizes) overflow int64", first, 1);
    return 0;
  }
  return 1;
}

/* q, k, v (or their gradients dq, dk, dv) at arguments first .. first + 2, sized for the call's dims (row stride ld). */
typedef struct {
  float *q, *k, *v;
} qkv_args;

static qkv_args read_qkv(call_args *args, int first, const attention_dims *dims) {
  qkv_args r = {typed(args, first, napi_float32_array, dims->q_size), typed(args, first + 1, napi_float32_array, dims->kv_size),
                typed(args, first + 2, napi_float32_array, dims->kv_size)};
  return r;
}

/* The probabilities' dropout mask indexes them with 32 bits (dropout_mask.h). */
static int probs_indexable(call_args *args, const attention_dims *dims, int index) {
  if (args->failed) return 0;
  if (dims->probs_size > 4294967296LL) {
    fail(args, "(dropout) needs fewer than 2^32 attention probabilities", index, 1);
    return 0;
  }
  return 1;
}

/*
 * attentionForward(q, k, v, items, heads, queries, keys, headDim, ld, scale, causal, keyMask | null, dropKey,
 * dropThreshold, dropScale, probs, context) (kernels_attention.c): q [items, queries, ld], k, v [items, keys, ld]
 * (head a: columns a·headDim ..); context [items, queries, heads·headDim]; keyMask [items, keys] or null; probs
 * [items, heads, queries, keys] (saved before the dropout); dropThreshold 0 = no dropout on the probabilities.
 */
static napi_value js_attention_forward(napi_env env, napi_callback_info info) {
  call_args args;
  attention_dims dims;
  if (!read_args(env, info, &args, 17, "attentionForward") || !attention_dims_of(&args, 3, &dims)) return NULL;
  float scale = (float)num(&args, 9);
  int causal = flag(&args, 10);
  if (!args.failed && causal && dims.queries != dims.keys) fail(&args, "(causal) needs as many queries as keys", 10, 1);
  const qkv_args in = read_qkv(&args, 0, &dims);
  const float *mask = optional_f32(&args, 11, (int64_t)dims.items * dims.keys);
  ligo_dropout_site drop = dropout_args(&args, 12);
  float *probs = typed(&args, 15, napi_float32_array, dims.probs_size);
  float *context = typed(&args, 16, napi_float32_array, dims.context_size);
  if (args.failed || (drop.threshold && !probs_indexable(&args, &dims, 13))) return NULL;
  if (dims.probs_size > 0 && ligo_attention_forward(in.q, in.k, in.v, dims.items, dims.heads, dims.queries, dims.keys, dims.head_dim, dims.ld, scale, causal, mask, &drop, probs, context) != 0)
    napi_throw_error(env, "LIGO_NATIVE", "attentionForward: out of memory for its scratch array");
  return NULL;
}

/* attentionBackward(q, k, v, probs, dcontext, items, heads, queries, keys, headDim, ld, scale, dropKey, dropThreshold,
 * dropScale, dq, dk, dv): the forward call's settings, so the same mask is recomputed; dq, dk, dv with row stride ld. */
static napi_value js_attention_backward(napi_env env, napi_callback_info info) {
  call_args args;
  attention_dims dims;
  if (!read_args(env, info, &args, 18, "attentionBackward") || !attention_dims_of(&args, 5, &dims)) return NULL;
  float scale = (float)num(&args, 11);
  ligo_dropout_site drop = dropout_args(&args, 12);
  const qkv_args in = read_qkv(&args, 0, &dims);
  const float *probs = typed(&args, 3, napi_float32_array, dims.probs_size);
  const float *dcontext = typed(&args, 4, napi_float32_array, dims.context_size);
  const qkv_args grad = read_qkv(&args, 15, &dims);
  if (args.failed || (drop.threshold && !probs_indexable(&args, &dims, 13))) return NULL;
  if (dims.probs_size > 0 && ligo_attention_backward(in.q, in.k, in.v, probs, dcontext, dims.items, dims.heads, dims.queries, dims.keys, dims.head_dim, dims.ld, scale, &drop, grad.q, grad.k, grad.v) != 0)
    napi_throw_error(env, "LIGO_NATIVE", "attentionBackward: out of memory for its scratch array");
  return NULL;
}

/*
 * talkingAttentionForward(q, k, v, items, heads, queries, keys, headDim, ld, scale, wPre, bPre, wPost, bPost, dropKey,
 * dropThreshold, dropScale, scores, probs, mixed, context): CaiT's attention (kernels.h); q, k, v as attentionForward's,
 * wPre, wPost [heads, heads], bPre, bPost [heads]; scores, probs, mixed [items, heads, queries, keys].
 */
static napi_value js_talking_attention_forward(napi_env env, napi_callback_info info) {
  call_args args;
  attention_dims dims;
  if (!read_args(env, info, &args, 21, "talkingAttentionForward") || !attention_dims_of(&args, 3, &dims)) return NULL;
  const int64_t mix = (int64_t)dims.heads * dims.heads;
  float scale = (float)num(&args, 9);
  const qkv_args in = read_qkv(&args, 0, &dims);
  const float *w_pre = typed(&args, 10, napi_float32_array, mix);
  const float *b_pre = typed(&args, 11, napi_float32_array, dims.heads);
  const float *w_post = typed(&args, 12, napi_float32_array, mix);
  const float *b_post = typed(&args, 13, napi_float32_array, dims.heads);
  ligo_dropout_site drop = dropout_args(&args, 14);
  float *scores = typed(&args, 17, napi_float32_array, dims.probs_size);
  float *probs = typed(&args, 18, napi_float32_array, dims.probs_size);
  float *mixed = typed(&args, 19, napi_float32_array, dims.probs_size);
  float *context = typed(&args, 20, napi_float32_array, dims.context_size);
  if (args.failed || (drop.threshold && !probs_indexable(&args, &dims, 15))) return NULL;
  if (dims.probs_size > 0 && ligo_talking_attention_forward(in.q, in.k, in.v, dims.items, dims.heads, dims.queries, dims.keys, dims.head_dim, dims.ld, scale, w_pre, b_pre, w_post, b_post, &drop, scores, probs, mixed, context) != 0)
    napi_throw_error(env, "LIGO_NATIVE", "talkingAttentionForward: out of memory for its scratch array");
  return NULL;
}

/*
 * talkingAttentionBackward(q, k, v, scores, probs, mixed, dcontext, items, heads, queries, keys, headDim, ld, scale,
 * wPre, wPost, dropKey, dropThreshold, dropScale, dq, dk, dv, dwPre, dbPre, dwPost, dbPost)
 */
static napi_value js_talking_attention_backward(napi_env env, napi_callback_info info) {
  call_args args;
  attention_dims dims;
  if (!read_args(env, info, &args, 26, "talkingAttentionBackward") || !attention_dims_of(&args, 7, &dims)) return NULL;
  const int64_t mix = (int64_t)dims.heads * dims.heads;
  float scale = (float)num(&args, 13);
  const qkv_args in = read_qkv(&args, 0, &dims);
  const float *scores = typed(&args, 3, napi_float32_array, dims.probs_size);
  const float *probs = typed(&args, 4, napi_float32_array, dims.probs_size);
  const float *mixed = typed(&args, 5, napi_float32_array, dims.probs_size);
  const float *dcontext = typed(&args, 6, napi_float32_array, dims.context_size);
  const float *w_pre = typed(&args, 14, napi_float32_array, mix);
  const float *w_post = typed(&args, 15, napi_float32_array, mix);
  ligo_dropout_site drop = dropout_args(&args, 16);
  const qkv_args grad = read_qkv(&args, 19, &dims);
  float *dw_pre = typed(&args, 22, napi_float32_array, mix);
  float *db_pre = typed(&args, 23, napi_float32_array, dims.heads);
  float *dw_post = typed(&args, 24, napi_float32_array, mix);
  float *db_post = typed(&args, 25, napi_float32_array, dims.heads);
  if (args.failed || (drop.threshold && !probs_indexable(&args, &dims, 17))) return NULL;
  if (ligo_talking_attention_backward(in.q, in.k, in.v, scores, probs, mixed, dcontext, dims.items, dims.heads, dims.queries, dims.keys, dims.head_dim, dims.ld, scale, w_pre, w_post, &drop, grad.q, grad.k, grad.v, dw_pre, db_pre, dw_post, db_post) != 0)
    napi_throw_error(env, "LIGO_NATIVE", "talkingAttentionBackward: out of memory for its scratch array");
  return NULL;
}

/* info() -> { blas, blasThreads, poolThreads } */
static napi_value js_info(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result, blas, blas_threads, pool_threads;
  CHECK_NAPI(napi_create_object(env, &result));
  CHECK_NAPI(napi_create_string_utf8(env, ligo_blas_name(), NAPI_AUTO_LENGTH, &blas));
  CHECK_NAPI(napi_create_int32(env, ligo_blas_threads(), &blas_threads));
  CHECK_NAPI(napi_create_int32(env, ligo_pool_threads(), &pool_threads));
  CHECK_NAPI(napi_set_named_property(env, result, "blas", blas));
  CHECK_NAPI(napi_set_named_property(env, result, "blasThreads", blas_threads));
  CHECK_NAPI(napi_set_named_property(env, result, "poolThreads", pool_threads));
  return result;
}

/* setThreads(blasThreads, poolThreads): 0 leaves that one unchanged */
static napi_value js_set_threads(napi_env env, napi_callback_info info) {
  call_args args;
  if (!read_args(env, info, &args, 2, "setThreads")) return NULL;
  if (!positive_dims(&args, 0, 2)) return NULL;
  int blas = (int)num(&args, 0), pool = (int)num(&args, 1);
  if (blas > 0) ligo_set_blas_threads(blas);
  if (pool > 0) ligo_set_pool_threads(pool);
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  ligo_blas_init();
  const napi_property_descriptor methods[] = {
      {"sgemm", NULL, js_sgemm, NULL, NULL, NULL, napi_enumerable, NULL},
      {"linearForward", NULL, js_linear_forward, NULL, NULL, NULL, napi_enumerable, NULL},
      {"linearBackward", NULL, js_linear_backward, NULL, NULL, NULL, napi_enumerable, NULL},
      {"softmaxXentForward", NULL, js_xent_forward, NULL, NULL, NULL, napi_enumerable, NULL},
      {"softmaxXentBackward", NULL, js_xent_backward, NULL, NULL, NULL, napi_enumerable, NULL},
      {"layerNormForward", NULL, js_layer_norm_forward, NULL, NULL, NULL, napi_enumerable, NULL},
      {"layerNormBackward", NULL, js_layer_norm_backward, NULL, NULL, NULL, napi_enumerable, NULL},
      {"geluForward", NULL, js_gelu_forward, NULL, NULL, NULL, napi_enumerable, NULL},
      {"geluBackward", NULL, js_gelu_backward, NULL, NULL, NULL, napi_enumerable, NULL},
      {"geluTanhForward", NULL, js_gelu_tanh_forward, NULL, NULL, NULL, napi_enumerable, NULL},
      {"geluTanhBackward", NULL, js_gelu_tanh_backward, NULL, NULL, NULL, napi_enumerable, NULL},
      {"maskedSoftmaxForward", NULL, js_masked_softmax_forward, NULL, NULL, NULL, napi_enumerable, NULL},
      {"maskedSoftmaxBackward", NULL, js_masked_softmax_backward, NULL, NULL, NULL, napi_enumerable, NULL},
      {"scaleAdd", NULL, js_scale_add, NULL, NULL, NULL, napi_enumerable, NULL},
      {"scaleBackward", NULL, js_scale_backward, NULL, NULL, NULL, napi_enumerable, NULL},
      {"add", NULL, js_add, NULL, NULL, NULL, napi_enumerable, NULL},
      {"dropout", NULL, js_dropout, NULL, NULL, NULL, napi_enumerable, NULL},
      {"attentionForward", NULL, js_attention_forward, NULL, NULL, NULL, napi_enumerable, NULL},
      {"attentionBackward", NULL, js_attention_backward, NULL, NULL, NULL, napi_enumerable, NULL},
      {"talkingAttentionForward", NULL, js_talking_attention_forward, NULL, NULL, NULL, napi_enumerable, NULL},
      {"talkingAttentionBackward", NULL, js_talking_attention_backward, NULL, NULL, NULL, napi_enumerable, NULL},
      {"adamwUpdate", NULL, js_adamw, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sumOuter", NULL, js_sum_outer, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sumInner", NULL, js_sum_inner, NULL, NULL, NULL, napi_enumerable, NULL},
      {"unsortedSegmentSum", NULL, js_segment_sum, NULL, NULL, NULL, napi_enumerable, NULL},
      {"info", NULL, js_info, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setThreads", NULL, js_set_threads, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof methods / sizeof methods[0], methods) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
