// Single-precision GEMM with AVX-512 for the recurrent models' products (BLIS structure: B packed
// in KC × 32 panels, A in 8 × KC panels, an 8 × 32 register-blocked micro-kernel). Used where the
// CPU has AVX-512 (tk_isa_level() == 2); elsewhere the callers use OpenBLAS. One call runs on the
// calling thread; callers split the columns of C between threads. No allocation: the caller passes
// a workspace of tk_rgemm_workspace_floats() floats, 64-byte aligned.
#include "kernel_support.h"

#define MR 8
#define NR 32
#define KC 256
#define MC 128
#define NC 2048

int64_t tk_rgemm_workspace_floats(void) { return (int64_t)KC * NC + (int64_t)MC * KC + 64; }

int64_t tk_rgemm_packed_b_floats(int64_t k, int64_t n) { return k * ((n + NR - 1) / NR) * NR; }

#if TK_X86
#include <immintrin.h>

// A[i0 ..< i0+mc, p0 ..< p0+kc] into MR-row panels: panel r holds, for each p, MR floats (zero rows past mc).
TARGET_AVX512 static void rg_pack_a(int trans_a, const float *a, int64_t lda, int64_t i0, int64_t mc, int64_t p0, int64_t kc, float *dst) {
    for (int64_t ir = 0; ir < mc; ir += MR) {
        int64_t rows = mc - ir < MR ? mc - ir : MR;
        float *d = dst + ir * kc;
        if (trans_a) {
            for (int64_t p = 0; p < kc; p++) {
                const float *src = a + (p0 + p) * lda + i0 + ir;
                int64_t r = 0;
                for (; r < rows; r++) d[p * MR + r] = src[r];
                for (; r < MR; r++) d[p * MR + r] = 0;
            }
        } else {
            for (int64_t r = 0; r < MR; r++) {
                if (r < rows) {
                    const float *src = a + (i0 + ir + r) * lda + p0;
                    for (int64_t p = 0; p < kc; p++) d[p * MR + r] = src[p];
                } else {
                    for (int64_t p = 0; p < kc; p++) d[p * MR + r] = 0;
                }
            }
        }
    }
}

// B[p0 ..< p0+kc, j0 ..< j0+nc] into NR-column panels: panel j holds, for each p, NR floats (zero past nc).
TARGET_AVX512 static void rg_pack_b(int trans_b, const float *b, int64_t ldb, int64_t p0, int64_t kc, int64_t j0, int64_t nc, float *dst) {
    for (int64_t jr = 0; jr < nc; jr += NR) {
        int64_t cols = nc - jr < NR ? nc - jr : NR;
        float *d = dst + jr * kc;
        if (trans_b) {
            for (int64_t j = 0; j < NR; j++) {
                if (j < cols) {
                    const float *src = b + (j0 + jr + j) * ldb + p0;
                    for (int64_t p = 0; p < kc; p++) d[p * NR + j] = src[p];
                } else {
                    for (int64_t p = 0; p < kc; p++) d[p * NR + j] = 0;
                }
            }
        } else {
            for (int64_t p = 0; p < kc; p++) {
                const float *src = b + (p0 + p) * ldb + j0 + jr;
                int64_t j = 0;
                for (; j < cols; j++) d[p * NR + j] = src[j];
                for (; j < NR; j++) d[p * NR + j] = 0;
            }
        }
    }
}

// C[mr × nr] (= or +=) the product of an 8 × kc A panel and a kc × 32 B panel.
TARGET_AVX512 static void rg_kernel(int64_t kc, const float *restrict A, const float *restrict B, float *restrict C, int64_t ldc,
                                    int accumulate, int64_t mr, int64_t nr) {
    __m512 c00 = _mm512_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
    __m512 c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
    for (int64_t p = 0; p < kc; p++) {
        __m512 b0 = _mm512_load_ps(B), b1 = _mm512_load_ps(B + 16);
        __m512 a;
#define RG_ROW(r, x0, x1)                          \
        a = _mm512_set1_ps(A[r]);                  \
        x0 = _mm512_fmadd_ps(a, b0, x0);           \
        x1 = _mm512_fmadd_ps(a, b1, x1);
        RG_ROW(0, c00, c01) RG_ROW(1, c10, c11) RG_ROW(2, c20, c21) RG_ROW(3, c30, c31)
        RG_ROW(4, c40, c41) RG_ROW(5, c50, c51) RG_ROW(6, c60, c61) RG_ROW(7, c70, c71)
#undef RG_ROW
        A += MR;
        B += NR;
    }
    __m512 acc[MR][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}, {c60, c61}, {c70, c71}};
    if (mr == MR && nr == NR) {
        for (int r = 0; r < MR; r++) {
            float *row = C + r * ldc;
            if (accumulate) {
                _mm512_storeu_ps(row, _mm512_add_ps(_mm512_loadu_ps(row), acc[r][0]));
                _mm512_storeu_ps(row + 16, _mm512_add_ps(_mm512_loadu_ps(row + 16), acc[r][1]));
            } else {
                _mm512_storeu_ps(row, acc[r][0]);
                _mm512_storeu_ps(row + 16, acc[r][1]);
            }
        }
        return;
    }
    __mmask16 m0 = nr >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << nr) - 1);
    __mmask16 m1 = nr >= 32 ? (__mmask16)0xFFFF : nr > 16 ? (__mmask16)((1u << (nr - 16)) - 1) : 0;
    for (int64_t r = 0; r < mr; r++) {
        float *row = C + r * ldc;
        if (accumulate) {
            _mm512_mask_storeu_ps(row, m0, _mm512_add_ps(_mm512_maskz_loadu_ps(m0, row), acc[r][0]));
            _mm512_mask_storeu_ps(row + 16, m1, _mm512_add_ps(_mm512_maskz_loadu_ps(m1, row + 16), acc[r][1]));
        } else {
            _mm512_mask_storeu_ps(row, m0, acc[r][0]);
            _mm512_mask_storeu_ps(row + 16, m1, acc[r][1]);
        }
    }
}

// The macro-kernel: C[mc × nc] (= or +=) packed A block (mc × kc) times packed B block (kc × nc).
TARGET_AVX512 static void rg_macro(int64_t mc, int64_t nc, int64_t kc, const float *pa, const float *pb, float *c, int64_t ldc,
                                   int accumulate) {
    for (int64_t jr = 0; jr < nc; jr += NR) {
        int64_t nr = nc - jr < NR ? nc - jr : NR;
        for (int64_t ir = 0; ir < mc; ir += MR) {
            int64_t mr = mc - ir < MR ? mc - ir : MR;
            rg_kernel(kc, pa + ir * kc, pb + jr * kc, c + ir * ldc + jr, ldc, accumulate, mr, nr);
        }
    }
}

static float *rg_align(float *p) { return (float *)(((uintptr_t)p + 63) & ~(uintptr_t)63); }

void tk_rgemm(int trans_a, int trans_b, int64_t m, int64_t n, int64_t k, const float *a, int64_t lda, const float *b,
              int64_t ldb, float beta, float *c, int64_t ldc, float *workspace) {
    if (m <= 0 || n <= 0) return;
    if (k <= 0) {
        if (beta == 0)
            for (int64_t i = 0; i < m; i++) memset(c + i * ldc, 0, (size_t)n * sizeof(float));
        return;
    }
    float *pb = rg_align(workspace), *pa = pb + (int64_t)KC * NC;
    for (int64_t jc = 0; jc < n; jc += NC) {
        int64_t nc = n - jc < NC ? n - jc : NC;
        for (int64_t pc = 0; pc < k; pc += KC) {
            int64_t kc = k - pc < KC ? k - pc : KC;
            rg_pack_b(trans_b, b, ldb, pc, kc, jc, nc, pb);
            int accumulate = pc > 0 || beta != 0;
            for (int64_t ic = 0; ic < m; ic += MC) {
                int64_t mc = m - ic < MC ? m - ic : MC;
                rg_pack_a(trans_a, a, lda, ic, mc, pc, kc, pa);
                rg_macro(mc, nc, kc, pa, pb, c + ic * ldc + jc, ldc, accumulate);
            }
        }
    }
}

void tk_rgemm_pack_b(int trans_b, int64_t k, int64_t n, const float *b, int64_t ldb, float *packed) {
    // K blocks one after another, each KC × (n rounded up to NR) in NR panels.
    int64_t np = (n + NR - 1) / NR * NR;
    for (int64_t pc = 0; pc < k; pc += KC) {
        int64_t kc = k - pc < KC ? k - pc : KC;
        rg_pack_b(trans_b, b, ldb, pc, kc, 0, n, packed + pc * np);
    }
}

void tk_rgemm_packed(int trans_a, int64_t m, int64_t n, int64_t k, const float *a, int64_t lda, const float *packed_b,
                     int64_t j0, int64_t nc, float beta, float *c, int64_t ldc, float *workspace) {
    if (m <= 0 || nc <= 0) return;
    int64_t np = (n + NR - 1) / NR * NR;
    float *pa = rg_align(workspace) + (int64_t)KC * NC;
    for (int64_t pc = 0; pc < k; pc += KC) {
        int64_t kc = k - pc < KC ? k - pc : KC;
        int accumulate = pc > 0 || beta != 0;
        for (int64_t ic = 0; ic < m; ic += MC) {
            int64_t mc = m - ic < MC ? m - ic : MC;
            rg_pack_a(trans_a, a, lda, ic, mc, pc, kc, pa);
            rg_macro(mc, nc, kc, pa, packed_b + pc * np + j0 * kc, c + ic * ldc + j0, ldc, accumulate);
        }
    }
}

int tk_rgemm_available(void) { return tk_isa_level() == 2; }
#else
void tk_rgemm(int trans_a, int trans_b, int64_t m, int64_t n, int64_t k, const float *a, int64_t lda, const float *b,
              int64_t ldb, float beta, float *c, int64_t ldc, float *workspace) {
    (void)trans_a; (void)trans_b; (void)m; (void)n; (void)k; (void)a; (void)lda; (void)b; (void)ldb; (void)beta; (void)c;
    (void)ldc; (void)workspace;
}
void tk_rgemm_pack_b(int trans_b, int64_t k, int64_t n, const float *b, int64_t ldb, float *packed) {
    (void)trans_b; (void)k; (void)n; (void)b; (void)ldb; (void)packed;
}
void tk_rgemm_packed(int trans_a, int64_t m, int64_t n, int64_t k, const float *a, int64_t lda, const float *packed_b,
                     int64_t j0, int64_t nc, float beta, float *c, int64_t ldc, float *workspace) {
    (void)trans_a; (void)m; (void)n; (void)k; (void)a; (void)lda; (void)packed_b; (void)j0; (void)nc;
    (void)beta; (void)c; (void)ldc; (void)workspace;
}
int tk_rgemm_available(void) { return 0; }
#endif
