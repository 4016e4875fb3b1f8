// Elementwise math of one time step of the recurrent cells (Elman tanh RNN, LSTM, GRU), in
// PyTorch's formulations. The matrix products around them (one GEMM for the whole window's input
// part, one per step for the hidden part) run in OpenBLAS; these loops fuse everything between.
#include "kernel_support.h"

INLINE void tk_tanh_forward_body(float *out, const float *inp, int64_t n) {
    #pragma clang loop vectorize(assume_safety)
    for (int64_t i = 0; i < n; i++) out[i] = tk_tanh(inp[i]);
}
KERNEL_VARIANTS(void, tk_tanh_forward, (float *out, const float *inp, int64_t n), (out, inp, n))

INLINE void tk_tanh_backward_body(float *dinp, const float *out, const float *dout, int64_t n) {
    #pragma clang loop vectorize(assume_safety)
    for (int64_t i = 0; i < n; i++) dinp[i] = dout[i] * (1.0f - out[i] * out[i]);
}
KERNEL_VARIANTS(void, tk_tanh_backward, (float *dinp, const float *out, const float *dout, int64_t n), (dinp, out, dout, n))

// MARK: - LSTM

INLINE void tk_lstm_cell_forward_body(float *gates, float *c, float *h, const float *cprev, int64_t batch, int64_t hidden) {
    for (int64_t b = 0; b < batch; b++) {
        float *gi = gates + b * 4 * hidden, *gf = gi + hidden, *gg = gf + hidden, *go = gg + hidden;
        float *cb = c + b * hidden, *hb = h + b * hidden;
        const float *cp = cprev + b * hidden;
        #pragma clang loop vectorize(assume_safety)
        for (int64_t j = 0; j < hidden; j++) {
            float i = tk_sigmoid(gi[j]), f = tk_sigmoid(gf[j]), g = tk_tanh(gg[j]), o = tk_sigmoid(go[j]);
            gi[j] = i; gf[j] = f; gg[j] = g; go[j] = o;
            float cc = f * cp[j] + i * g;
            cb[j] = cc;
            hb[j] = o * tk_tanh(cc);
        }
    }
}
KERNEL_VARIANTS(void, tk_lstm_cell_forward,
                (float *gates, float *c, float *h, const float *cprev, int64_t batch, int64_t hidden),
                (gates, c, h, cprev, batch, hidden))

INLINE void tk_lstm_cell_backward_body(float *dgates, float *dc, const float *dh, const float *gates, const float *c,
                                       const float *cprev, int64_t batch, int64_t hidden) {
    for (int64_t b = 0; b < batch; b++) {
        const float *gi = gates + b * 4 * hidden, *gf = gi + hidden, *gg = gf + hidden, *go = gg + hidden;
        float *di = dgates + b * 4 * hidden, *df = di + hidden, *dg = df + hidden, *dout = dg + hidden;
        const float *cb = c + b * hidden, *cp = cprev + b * hidden, *dhb = dh + b * hidden;
        float *dcb = dc + b * hidden;
        #pragma clang loop vectorize(assume_safety)
        for (int64_t j = 0; j < hidden; j++) {
            float i = gi[j], f = gf[j], g = gg[j], o = go[j];
            float tc = tk_tanh(cb[j]);
            float d = dhb[j];
            float dct = dcb[j] + d * o * (1.0f - tc * tc);
            di[j] = dct * g * i * (1.0f - i);
            df[j] = dct * cp[j] * f * (1.0f - f);
            dg[j] = dct * i * (1.0f - g * g);
            dout[j] = d * tc * o * (1.0f - o);
            dcb[j] = dct * f;
        }
    }
}
KERNEL_VARIANTS(void, tk_lstm_cell_backward,
                (float *dgates, float *dc, const float *dh, const float *gates, const float *c, const float *cprev,
                 int64_t batch, int64_t hidden),
                (dgates, dc, dh, gates, c, cprev, batch, hidden))

// MARK: - GRU

INLINE void tk_gru_cell_forward_body(float *xg, const float *hg, float *h, const float *hprev, int64_t batch, int64_t hidden) {
    for (int64_t b = 0; b < batch; b++) {
        float *xr = xg + b * 3 * hidden, *xz = xr + hidden, *xn = xz + hidden;
        const float *hr = hg + b * 3 * hidden, *hz = hr + hidden, *hn = hz + hidden;
        const float *hp = hprev + b * hidden;
        float *hb = h + b * hidden;
        #pragma clang loop vectorize(assume_safety)
        for (int64_t j = 0; j < hidden; j++) {
            float r = tk_sigmoid(xr[j] + hr[j]), z = tk_sigmoid(xz[j] + hz[j]);
            float n = tk_tanh(xn[j] + r * hn[j]);
            xr[j] = r; xz[j] = z; xn[j] = n;
            hb[j] = (1.0f - z) * n + z * hp[j];
        }
    }
}
KERNEL_VARIANTS(void, tk_gru_cell_forward,
                (float *xg, const float *hg, float *h, const float *hprev, int64_t batch, int64_t hidden),
                (xg, hg, h, hprev, batch, hidden))

INLINE void tk_gru_cell_backward_body(float *dxg, float *dhg, float *dhprev, const float *dh, const float *gates,
                                      const float *hg, const float *hprev, int64_t batch, int64_t hidden) {
    for (int64_t b = 0; b < batch; b++) {
        const float *gr = gates + b * 3 * hidden, *gz = gr + hidden, *gn = gz + hidden;
        const float *hn = hg + b * 3 * hidden + 2 * hidden;
        float *dxr = dxg + b * 3 * hidden, *dxz = dxr + hidden, *dxn = dxz + hidden;
        float *dhr = dhg + b * 3 * hidden, *dhz = dhr + hidden, *dhn = dhz + hidden;
        const float *hp = hprev + b * hidden, *dhb = dh + b * hidden;
        #pragma clang loop vectorize(assume_safety)
        for (int64_t j = 0; j < hidden; j++) {
            float r = gr[j], z = gz[j], n = gn[j], d = dhb[j];
            float dan = d * (1.0f - z) * (1.0f - n * n);
            float dar = dan * hn[j] * r * (1.0f - r);
            float daz = d * (hp[j] - n) * z * (1.0f - z);
            dxr[j] = dar; dxz[j] = daz; dxn[j] = dan;
            dhr[j] = dar; dhz[j] = daz; dhn[j] = dan * r;
        }
        if (dhprev) {
            float *dp = dhprev + b * hidden;
            #pragma clang loop vectorize(assume_safety)
            for (int64_t j = 0; j < hidden; j++) dp[j] += dhb[j] * gz[j];
        }
    }
}
KERNEL_VARIANTS(void, tk_gru_cell_backward,
                (float *dxg, float *dhg, float *dhprev, const float *dh, const float *gates, const float *hg,
                 const float *hprev, int64_t batch, int64_t hidden),
                (dxg, dhg, dhprev, dh, gates, hg, hprev, batch, hidden))
