// CKernels: fused elementwise kernels of the Transformer, in C so that each one can be compiled
// for baseline x86-64, AVX2+FMA and AVX-512 and dispatched at run time (Swift itself targets SSE2).
// All buffers are row-major float32; `n`, `rows`, `cols` are element counts.
#ifndef CKERNELS_H
#define CKERNELS_H
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The instruction set the kernels run with: 0 baseline, 1 AVX2+FMA, 2 AVX-512.
int tk_isa_level(void);

/// out = a + b.
void tk_add(float *out, const float *a, const float *b, int64_t n);
/// a += b.
void tk_accumulate(float *a, const float *b, int64_t n);
/// a *= s.
void tk_scale(float *a, float s, int64_t n);
/// a += s * b.
void tk_axpy(float *a, float s, const float *b, int64_t n);
/// a *= m (elementwise).
void tk_multiply(float *a, const float *m, int64_t n);
/// Sum of a[i]*b[i], accumulated in double.
double tk_dot(const float *a, const float *b, int64_t n);
/// Sum of squares, accumulated in double.
double tk_sum_squares(const float *a, int64_t n);

/// out[r, :] += bias for each row.
void tk_add_bias(float *out, const float *bias, int64_t rows, int64_t cols);
/// dbias[c] += sum over rows of dout[r, c].
void tk_bias_backward(float *dbias, const float *dout, int64_t rows, int64_t cols);

/// Layer norm over the last axis: out = (x - mean) * rstd * weight + bias; saves mean and rstd per row.
void tk_layernorm_forward(float *out, float *mean, float *rstd, const float *inp,
                          const float *weight, const float *bias, int64_t rows, int64_t cols, float eps);
/// Layer norm backward: dinp += ..., dweight += ..., dbias += ...
void tk_layernorm_backward(float *dinp, float *dweight, float *dbias, const float *dout, const float *inp,
                           const float *weight, const float *mean, const float *rstd, int64_t rows, int64_t cols);

/// GELU with the tanh approximation (GPT-2's "gelu_new").
void tk_gelu_forward(float *out, const float *inp, int64_t n);
/// dinp = dout * gelu'(inp) (overwrites dinp; dinp may alias dout).
void tk_gelu_backward(float *dinp, const float *inp, const float *dout, int64_t n);
/// out = max(0, inp).
void tk_relu_forward(float *out, const float *inp, int64_t n);
/// dinp = inp > 0 ? dout : 0 (dinp may alias dout).
void tk_relu_backward(float *dinp, const float *inp, const float *dout, int64_t n);

/// Row softmax with a causal mask over a [t, t] block (row stride `ld`): row i keeps columns 0...i
/// (scaled by `scale` before the softmax), columns after i become 0. In place.
void tk_causal_softmax(float *att, int64_t t, int64_t ld, float scale);
/// Backward of `tk_causal_softmax`: datt (in) becomes d(pre-softmax scores) times `scale`. In place.
void tk_causal_softmax_backward(float *datt, const float *att, int64_t t, int64_t ld, float scale);
/// Softmax of one row of length n: out = softmax(inp) (may alias).
void tk_softmax(float *out, const float *inp, int64_t n);

/// probs = softmax(logits) per row; losses[r] = -log probs[r, targets[r]].
void tk_softmax_cross_entropy(float *probs, float *losses, const float *logits, const int32_t *targets,
                              int64_t rows, int64_t vocab);
/// In place: probs becomes dlogits = (probs - onehot(target)) * scale.
void tk_cross_entropy_backward(float *probs, const int32_t *targets, int64_t rows, int64_t vocab, float scale);

/// AdamW step on n parameters (decoupled weight decay `wd`, bias corrections bc1 = 1 - b1^t, bc2 = 1 - b2^t).
void tk_adamw(float *params, const float *grads, float *m, float *v, int64_t n, float lr, float beta1,
              float beta2, float eps, float wd, float bc1, float bc2);

// MARK: Recurrent cells (recurrent.c). One time step over `batch` rows of `hidden` units, PyTorch's
// formulations and gate order. Gate rows are [batch, G*hidden] with G = 4 (LSTM i,f,g,o), 3 (GRU r,z,n).

/// out = tanh(inp) (may alias).
void tk_tanh_forward(float *out, const float *inp, int64_t n);
/// dinp = dout * (1 - out²), where out = tanh(inp) (dinp may alias dout).
void tk_tanh_backward(float *dinp, const float *out, const float *dout, int64_t n);
/// LSTM step. `gates` holds the pre-activations W_ih x + b_ih + W_hh h + b_hh and becomes the
/// activated gates (i, f, g, o); c = f ⊙ cprev + i ⊙ g; h = o ⊙ tanh(c).
void tk_lstm_cell_forward(float *gates, float *c, float *h, const float *cprev, int64_t batch, int64_t hidden);
/// LSTM step backward. `dh` is the whole gradient at h; `dc` holds the gradient at c from the next
/// step (in) and becomes the gradient at cprev (out); `dgates` receives the pre-activation gradients.
void tk_lstm_cell_backward(float *dgates, float *dc, const float *dh, const float *gates, const float *c,
                           const float *cprev, int64_t batch, int64_t hidden);
/// GRU step. `xg` holds W_ih x + b_ih and becomes the activated gates (r, z, n); `hg` holds
/// W_hh hprev + b_hh. r = σ(x_r + h_r), z = σ(x_z + h_z), n = tanh(x_n + r ⊙ h_n),
/// h = (1 - z) ⊙ n + z ⊙ hprev.
void tk_gru_cell_forward(float *xg, const float *hg, float *h, const float *hprev, int64_t batch, int64_t hidden);
/// GRU step backward: from the whole gradient `dh` at h, writes the pre-activation gradients of the
/// input part `dxg` and of the hidden part `dhg` (they differ in the n block: dhg_n = dxg_n ⊙ r), and
/// adds the direct term z ⊙ dh to `dhprev` (skipped when null).
void tk_gru_cell_backward(float *dxg, float *dhg, float *dhprev, const float *dh, const float *gates, const float *hg,
                          const float *hprev, int64_t batch, int64_t hidden);

// MARK: Recurrent GEMM (recurrent_gemm.c): AVX-512 single-precision products for the recurrent models.

/// 1 when the AVX-512 kernels below can run on this CPU (else they do nothing; use OpenBLAS).
int tk_rgemm_available(void);
/// Floats of the workspace one tk_rgemm / tk_rgemm_packed call needs (one per concurrent caller).
int64_t tk_rgemm_workspace_floats(void);
/// Floats of a right-hand matrix [k, n] packed by tk_rgemm_pack_b.
int64_t tk_rgemm_packed_b_floats(int64_t k, int64_t n);
/// Row-major C[m,n] = op(A)·op(B) + beta·C, beta 0 or 1; op(A) = A[m,k] (lda) or, with trans_a, the
/// transpose of [k,m]; op(B) = B[k,n] (ldb) or, with trans_b, the transpose of [n,k].
void tk_rgemm(int trans_a, int trans_b, int64_t m, int64_t n, int64_t k, const float *a, int64_t lda, const float *b,
              int64_t ldb, float beta, float *c, int64_t ldc, float *workspace);
/// Packs op(B) ([k, n]) once for many tk_rgemm_packed calls; `packed` 64-byte aligned.
void tk_rgemm_pack_b(int trans_b, int64_t k, int64_t n, const float *b, int64_t ldb, float *packed);
/// Columns j0 ..< j0+nc (j0 a multiple of 32) of C[m,n] = op(A)·B + beta·C with B packed by
/// tk_rgemm_pack_b for n columns; `c` points at column 0.
void tk_rgemm_packed(int trans_a, int64_t m, int64_t n, int64_t k, const float *a, int64_t lda, const float *packed_b,
                     int64_t j0, int64_t nc, float beta, float *c, int64_t ldc, float *workspace);

/// Exact GELU, 0.5·x·(1 + erf(x/√2)) (BERT's "gelu"); erf to 1.5e-7.
void tk_gelu_erf_forward(float *out, const float *inp, int64_t n);
/// dinp = dout * gelu_erf'(inp) (overwrites dinp; dinp may alias dout).
void tk_gelu_erf_backward(float *dinp, const float *inp, const float *dout, int64_t n);

#ifdef __cplusplus
}
#endif
#endif
