// Fused elementwise kernels. Each kernel body is written once as an always-inline function and
// compiled three times (baseline, AVX2+FMA, AVX-512) by KERNEL_VARIANTS; the exported symbol picks
// the best variant the CPU supports. Loops are plain C that the compiler vectorizes in release
// builds; reductions opt into reassociation so that they vectorize too.
#include "kernel_support.h"

int tk_isa_level(void) {
#if TK_X86
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
        __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq")) return 2;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return 1;
#endif
    return 0;
}

// MARK: - Elementwise

INLINE void tk_add_body(float *out, const float *a, const float *b, int64_t n) {
    #pragma clang loop vectorize(assume_safety)
    for (int64_t i = 0; i < n; i++) out[i] = a[i] + b[i];
}
KERNEL_VARIANTS(void, tk_add, (float *out, const float *a, const float *b, int64_t n), (out, a, b, n))

INLINE void tk_accumulate_body(float *a, const float *b, int64_t n) {
    #pragma clang loop vectorize(assume_safety)
    for (int64_t i = 0; i < n; i++) a[i] += b[i];
}
KERNEL_VARIANTS(void, tk_accumulate, (float *a, const float *b, int64_t n), (a, b, n))

INLINE void tk_scale_body(float *a, float s, int64_t n) {
    #pragma clang loop vectorize(assume_safety)
    for (int64_t i = 0; i < n; i++) a[i] *= s;
}
KERNEL_VARIANTS(void, tk_scale, (float *a, float s, int64_t n), (a, s, n))

INLINE void tk_axpy_body(float *a, float s, const float *b, int64_t n) {
    #pragma clang loop vectorize(assume_safety)
    for (int64_t i = 0; i < n; i++) a[i] += s * b[i];
}
KERNEL_VARIANTS(void, tk_axpy, (float *a, float s, const float *b, int64_t n), (a, s, b, n))

INLINE void tk_multiply_body(float *a, const float *m, int64_t n) {
    #pragma clang loop vectorize(assume_safety)
    for (int64_t i = 0; i < n; i++) a[i] *= m[i];
}
KERNEL_VARIANTS(void, tk_multiply, (float *a, const float *m, int64_t n), (a, m, n))

INLINE double tk_dot_body(const float *a, const float *b, int64_t n) {
#pragma clang fp reassociate(on)
    double s = 0;
    for (int64_t i = 0; i < n; i++) s += (double)a[i] * (double)b[i];
    return s;
}
KERNEL_VARIANTS(double, tk_dot, (const float *a, const float *b, int64_t n), (a, b, n))

INLINE double tk_sum_squares_body(const float *a, int64_t n) {
#pragma clang fp reassociate(on)
    double s = 0;
    for (int64_t i = 0; i < n; i++) s += (double)a[i] * (double)a[i];
    return s;
}
KERNEL_VARIANTS(double, tk_sum_squares, (const float *a, int64_t n), (a, n))

INLINE void tk_add_bias_body(float *out, const float *bias, int64_t rows, int64_t cols) {
    for (int64_t r = 0; r < rows; r++) {
        float *o = out + r * cols;
        for (int64_t c = 0; c < cols; c++) o[c] += bias[c];
    }
}
KERNEL_VARIANTS(void, tk_add_bias, (float *out, const float *bias, int64_t rows, int64_t cols), (out, bias, rows, cols))

INLINE void tk_bias_backward_body(float *dbias, const float *dout, int64_t rows, int64_t cols) {
    for (int64_t r = 0; r < rows; r++) {
        const float *d = dout + r * cols;
        for (int64_t c = 0; c < cols; c++) dbias[c] += d[c];
    }
}
KERNEL_VARIANTS(void, tk_bias_backward, (float *dbias, const float *dout, int64_t rows, int64_t cols), (dbias, dout, rows, cols))

// MARK: - Layer norm

INLINE void tk_layernorm_forward_body(float *out, float *mean, float *rstd, const float *inp, const float *weight,
                                      const float *bias, int64_t rows, int64_t cols, float eps) {
#pragma clang fp reassociate(on)
    for (int64_t r = 0; r < rows; r++) {
        const float *x = inp + r * cols;
        float *o = out + r * cols;
        float m = 0;
        for (int64_t c = 0; c < cols; c++) m += x[c];
        m /= (float)cols;
        float v = 0;
        for (int64_t c = 0; c < cols; c++) { float d = x[c] - m; v += d * d; }
        v /= (float)cols;
        float s = 1.0f / sqrtf(v + eps);
        for (int64_t c = 0; c < cols; c++) o[c] = (x[c] - m) * s * weight[c] + bias[c];
        mean[r] = m;
        rstd[r] = s;
    }
}
KERNEL_VARIANTS(void, tk_layernorm_forward,
                (float *out, float *mean, float *rstd, const float *inp, const float *weight, const float *bias,
                 int64_t rows, int64_t cols, float eps),
                (out, mean, rstd, inp, weight, bias, rows, cols, eps))

INLINE void tk_layernorm_backward_body(float *dinp, float *dweight, float *dbias, const float *dout, const float *inp,
                                       const float *weight, const float *mean, const float *rstd, int64_t rows,
                                       int64_t cols) {
#pragma clang fp reassociate(on)
    for (int64_t r = 0; r < rows; r++) {
        const float *x = inp + r * cols;
        const float *d = dout + r * cols;
        float *di = dinp + r * cols;
        float m = mean[r], s = rstd[r];
        float dmean = 0, dnormmean = 0;
        for (int64_t c = 0; c < cols; c++) {
            float norm = (x[c] - m) * s;
            float dn = weight[c] * d[c];
            dmean += dn;
            dnormmean += dn * norm;
        }
        dmean /= (float)cols;
        dnormmean /= (float)cols;
        for (int64_t c = 0; c < cols; c++) {
            float norm = (x[c] - m) * s;
            float dn = weight[c] * d[c];
            dbias[c] += d[c];
            dweight[c] += norm * d[c];
            di[c] += (dn - dmean - norm * dnormmean) * s;
        }
    }
}
KERNEL_VARIANTS(void, tk_layernorm_backward,
                (float *dinp, float *dweight, float *dbias, const float *dout, const float *inp, const float *weight,
                 const float *mean, const float *rstd, int64_t rows, int64_t cols),
                (dinp, dweight, dbias, dout, inp, weight, mean, rstd, rows, cols))

// MARK: - Activations

#define GELU_SCALE 0.7978845608028654f  // sqrt(2/pi)

INLINE void tk_gelu_forward_body(float *out, const float *inp, int64_t n) {
    #pragma clang loop vectorize(assume_safety)
    for (int64_t i = 0; i < n; i++) {
        float x = inp[i];
        float u = GELU_SCALE * (x + 0.044715f * x * x * x);
        out[i] = 0.5f * x * (1.0f + tk_tanh(u));
    }
}
KERNEL_VARIANTS(void, tk_gelu_forward, (float *out, const float *inp, int64_t n), (out, inp, n))

INLINE void tk_gelu_backward_body(float *dinp, const float *inp, const float *dout, int64_t n) {
    #pragma clang loop vectorize(assume_safety)
    for (int64_t i = 0; i < n; i++) {
        float x = inp[i];
        float u = GELU_SCALE * (x + 0.044715f * x * x * x);
        float t = tk_tanh(u);
        float sech2 = 1.0f - t * t;
        float local = 0.5f * (1.0f + t) + 0.5f * x * sech2 * GELU_SCALE * (1.0f + 3.0f * 0.044715f * x * x);
        dinp[i] = local * dout[i];
    }
}
KERNEL_VARIANTS(void, tk_gelu_backward, (float *dinp, const float *inp, const float *dout, int64_t n), (dinp, inp, dout, n))

INLINE void tk_relu_forward_body(float *out, const float *inp, int64_t n) {
    #pragma clang loop vectorize(assume_safety)
    for (int64_t i = 0; i < n; i++) out[i] = inp[i] > 0.0f ? inp[i] : 0.0f;
}
KERNEL_VARIANTS(void, tk_relu_forward, (float *out, const float *inp, int64_t n), (out, inp, n))

INLINE void tk_relu_backward_body(float *dinp, const float *inp, const float *dout, int64_t n) {
    #pragma clang loop vectorize(assume_safety)
    for (int64_t i = 0; i < n; i++) dinp[i] = inp[i] > 0.0f ? dout[i] : 0.0f;
}
KERNEL_VARIANTS(void, tk_relu_backward, (float *dinp, const float *inp, const float *dout, int64_t n), (dinp, inp, dout, n))

// MARK: - Softmax

INLINE void tk_causal_softmax_body(float *att, int64_t t, int64_t ld, float scale) {
#pragma clang fp reassociate(on)
    for (int64_t i = 0; i < t; i++) {
        float *row = att + i * ld;
        float mx = -INFINITY;
        for (int64_t j = 0; j <= i; j++) mx = row[j] > mx ? row[j] : mx;
        float sum = 0;
        for (int64_t j = 0; j <= i; j++) {
            float e = tk_exp((row[j] - mx) * scale);
            row[j] = e;
            sum += e;
        }
        float inv = 1.0f / sum;
        for (int64_t j = 0; j <= i; j++) row[j] *= inv;
        for (int64_t j = i + 1; j < t; j++) row[j] = 0.0f;
    }
}
KERNEL_VARIANTS(void, tk_causal_softmax, (float *att, int64_t t, int64_t ld, float scale), (att, t, ld, scale))

INLINE void tk_causal_softmax_backward_body(float *datt, const float *att, int64_t t, int64_t ld, float scale) {
#pragma clang fp reassociate(on)
    for (int64_t i = 0; i < t; i++) {
        float *d = datt + i * ld;
        const float *a = att + i * ld;
        float s = 0;
        for (int64_t j = 0; j <= i; j++) s += a[j] * d[j];
        for (int64_t j = 0; j <= i; j++) d[j] = scale * a[j] * (d[j] - s);
        for (int64_t j = i + 1; j < t; j++) d[j] = 0.0f;
    }
}
KERNEL_VARIANTS(void, tk_causal_softmax_backward, (float *datt, const float *att, int64_t t, int64_t ld, float scale),
                (datt, att, t, ld, scale))

INLINE void tk_softmax_body(float *out, const float *inp, int64_t n) {
#pragma clang fp reassociate(on)
    float mx = -INFINITY;
    for (int64_t j = 0; j < n; j++) mx = inp[j] > mx ? inp[j] : mx;
    float sum = 0;
    for (int64_t j = 0; j < n; j++) { float e = tk_exp(inp[j] - mx); out[j] = e; sum += e; }
    float inv = 1.0f / sum;
    for (int64_t j = 0; j < n; j++) out[j] *= inv;
}
KERNEL_VARIANTS(void, tk_softmax, (float *out, const float *inp, int64_t n), (out, inp, n))

// MARK: - Cross-entropy

INLINE void tk_softmax_cross_entropy_body(float *probs, float *losses, const float *logits, const int32_t *targets,
                                          int64_t rows, int64_t vocab) {
#pragma clang fp reassociate(on)
    for (int64_t r = 0; r < rows; r++) {
        const float *x = logits + r * vocab;
        float *p = probs + r * vocab;
        float mx = -INFINITY;
        for (int64_t j = 0; j < vocab; j++) mx = x[j] > mx ? x[j] : mx;
        float sum = 0;
        for (int64_t j = 0; j < vocab; j++) { float e = tk_exp(x[j] - mx); p[j] = e; sum += e; }
        float inv = 1.0f / sum;
        for (int64_t j = 0; j < vocab; j++) p[j] *= inv;
        losses[r] = logf(sum) - (x[targets[r]] - mx);
    }
}
KERNEL_VARIANTS(void, tk_softmax_cross_entropy,
                (float *probs, float *losses, const float *logits, const int32_t *targets, int64_t rows, int64_t vocab),
                (probs, losses, logits, targets, rows, vocab))

INLINE void tk_cross_entropy_backward_body(float *probs, const int32_t *targets, int64_t rows, int64_t vocab, float scale) {
    for (int64_t r = 0; r < rows; r++) {
        float *p = probs + r * vocab;
        p[targets[r]] -= 1.0f;
        for (int64_t j = 0; j < vocab; j++) p[j] *= scale;
    }
}
KERNEL_VARIANTS(void, tk_cross_entropy_backward, (float *probs, const int32_t *targets, int64_t rows, int64_t vocab, float scale),
                (probs, targets, rows, vocab, scale))

// MARK: - Optimizer

INLINE void tk_adamw_body(float *params, const float *grads, float *m, float *v, int64_t n, float lr, float beta1,
                          float beta2, float eps, float wd, float bc1, float bc2) {
    #pragma clang loop vectorize(assume_safety)
    for (int64_t i = 0; i < n; i++) {
        float g = grads[i];
        float mi = beta1 * m[i] + (1.0f - beta1) * g;
        float vi = beta2 * v[i] + (1.0f - beta2) * g * g;
        m[i] = mi;
        v[i] = vi;
        float mhat = mi / bc1;
        float vhat = vi / bc2;
        params[i] -= lr * (mhat / (TK_SQRT(vhat) + eps) + wd * params[i]);
    }
}
KERNEL_VARIANTS(void, tk_adamw,
                (float *params, const float *grads, float *m, float *v, int64_t n, float lr, float beta1, float beta2,
                 float eps, float wd, float bc1, float bc2),
                (params, grads, m, v, n, lr, beta1, beta2, eps, wd, bc1, bc2))

// MARK: - Exact (erf) GELU, as BERT: 0.5·x·(1 + erf(x/√2))

// erf by Abramowitz & Stegun 7.1.26 (|error| ≤ 1.5e-7), with the kernel's vectorizable exp.
INLINE float tk_erf(float x) {
    float s = x < 0.0f ? -1.0f : 1.0f;
    float a = x * s;
    float t = 1.0f / (1.0f + 0.3275911f * a);
    float p = 1.061405429f;
    p = p * t - 1.453152027f;
    p = p * t + 1.421413741f;
    p = p * t - 0.284496736f;
    p = p * t + 0.254829592f;
    return s * (1.0f - p * t * tk_exp(-a * a));
}

#define GELU_ERF_INV_SQRT2 0.7071067811865476f
#define GELU_ERF_INV_SQRT_2PI 0.3989422804014327f

INLINE void tk_gelu_erf_forward_body(float *out, const float *inp, int64_t n) {
    #pragma clang loop vectorize(assume_safety)
    for (int64_t i = 0; i < n; i++) {
        float x = inp[i];
        out[i] = 0.5f * x * (1.0f + tk_erf(x * GELU_ERF_INV_SQRT2));
    }
}
KERNEL_VARIANTS(void, tk_gelu_erf_forward, (float *out, const float *inp, int64_t n), (out, inp, n))

INLINE void tk_gelu_erf_backward_body(float *dinp, const float *inp, const float *dout, int64_t n) {
    #pragma clang loop vectorize(assume_safety)
    for (int64_t i = 0; i < n; i++) {
        float x = inp[i];
        float cdf = 0.5f * (1.0f + tk_erf(x * GELU_ERF_INV_SQRT2));
        float pdf = GELU_ERF_INV_SQRT_2PI * tk_exp(-0.5f * x * x);
        dinp[i] = (cdf + x * pdf) * dout[i];
    }
}
KERNEL_VARIANTS(void, tk_gelu_erf_backward, (float *dinp, const float *inp, const float *dout, int64_t n), (dinp, inp, dout, n))
