#include "CEmbeddingKernels.h"

#include <math.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#define TSR_X86 1
#include <immintrin.h>
#endif

// MARK: - Set-up

int tsr_w2v_cpu_has_avx2_fma(void) {
#if TSR_X86
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return 0;
#endif
}

void tsr_w2v_fill_exp_table(float *table) {
    for (int i = 0; i < TSR_W2V_EXP_TABLE_SIZE; i++) {
        double e = exp(((double)i / TSR_W2V_EXP_TABLE_SIZE * 2.0 - 1.0) * TSR_W2V_MAX_EXP);
        table[i] = (float)(e / (e + 1.0));
    }
}

int64_t tsr_w2v_atomic_add(int64_t *counter, int64_t value) {
    return __atomic_fetch_add(counter, value, __ATOMIC_RELAXED);
}

int64_t tsr_w2v_atomic_load(const int64_t *counter) {
    return __atomic_load_n(counter, __ATOMIC_RELAXED);
}

// MARK: - Shared step logic

static inline uint64_t lcg_next(uint64_t *rng) {
    *rng = *rng * 25214903917ULL + 11ULL;
    return *rng;
}

/// One draw from the noise distribution: 24 high bits pick a bucket, 24 low bits decide
/// between its row and its alias.
static inline int32_t draw_noise(const tsr_w2v_model *m, uint64_t *rng) {
    uint64_t x = lcg_next(rng) >> 16;
    uint64_t bucket = ((x >> 24) * (uint64_t)m->noise_count) >> 24;
    const tsr_w2v_noise_bucket *b = m->noise + bucket;
    return (uint32_t)(x & 0xFFFFFF) < b->threshold ? b->row : b->alias;
}

/// word2vec.c's gradient for one (score, label) pair, times alpha.
static inline float gradient(const tsr_w2v_model *m, float f, float label, float alpha) {
    if (f > TSR_W2V_MAX_EXP) return (label - 1.0f) * alpha;
    if (f < -TSR_W2V_MAX_EXP) return label * alpha;
    int index = (int)((f + TSR_W2V_MAX_EXP) * (TSR_W2V_EXP_TABLE_SIZE / TSR_W2V_MAX_EXP / 2));
    if (index >= TSR_W2V_EXP_TABLE_SIZE) index = TSR_W2V_EXP_TABLE_SIZE - 1;
    return (label - m->exp_table[index]) * alpha;
}

/// Sample `d` of a training pair: the target itself (label 1) for d = 0, else a noise word
/// (label 0). Returns 0 when the noise word is the target, which word2vec.c skips.
static inline int pick_sample(const tsr_w2v_model *m, int d, int32_t target, uint64_t *rng,
                              int32_t *row, float *label) {
    if (d == 0) {
        *row = target;
        *label = 1.0f;
        return 1;
    }
    *row = draw_noise(m, rng);
    *label = 0.0f;
    return *row != target;
}

// MARK: - Portable variant

static float dot_generic(const float *a, const float *b, int dim) {
    float s = 0.0f;
    for (int c = 0; c < dim; c++) s += a[c] * b[c];
    return s;
}


static void sgns_pair_generic(const tsr_w2v_model *m, int32_t input, int32_t target,
                              uint64_t *rng, float alpha, float *neu1e) {
    const int dim = m->dim;
    float *l1 = m->syn0 + (int64_t)input * m->stride;
    memset(neu1e, 0, sizeof(float) * (size_t)dim);
    for (int d = 0; d <= m->negative; d++) {
        int32_t row;
        float label;
        if (!pick_sample(m, d, target, rng, &row, &label)) continue;
        float *l2 = m->syn1neg + (int64_t)row * m->stride;
        float g = gradient(m, dot_generic(l1, l2, dim), label, alpha);
        for (int c = 0; c < dim; c++) neu1e[c] += g * l2[c];
        for (int c = 0; c < dim; c++) l2[c] += g * l1[c];
    }
    for (int c = 0; c < dim; c++) l1[c] += neu1e[c];
}

// MARK: - AVX2 + FMA variant

#if TSR_X86
__attribute__((target("avx2,fma")))
static inline float hsum256(__m256 v) {
    __m128 lo = _mm256_castps256_ps128(v);
    __m128 hi = _mm256_extractf128_ps(v, 1);
    lo = _mm_add_ps(lo, hi);
    __m128 shuf = _mm_movehdup_ps(lo);
    __m128 sums = _mm_add_ps(lo, shuf);
    shuf = _mm_movehl_ps(shuf, sums);
    sums = _mm_add_ss(sums, shuf);
    return _mm_cvtss_f32(sums);
}

__attribute__((target("avx2,fma")))
static void sgns_pair_avx2(const tsr_w2v_model *m, int32_t input, int32_t target,
                           uint64_t *rng, float alpha, float *neu1e) {
    // Rows are padded with zeros up to `stride` (a multiple of 16), and the padding stays zero
    // (it only ever receives g * 0), so the loops run over whole vectors with no scalar tail.
    const int n = (m->dim + 7) & ~7;
    float *l1 = m->syn0 + (int64_t)input * m->stride;
    memset(neu1e, 0, sizeof(float) * (size_t)n);
    for (int d = 0; d <= m->negative; d++) {
        int32_t row;
        float label;
        if (!pick_sample(m, d, target, rng, &row, &label)) continue;
        float *l2 = m->syn1neg + (int64_t)row * m->stride;
        __m256 acc0 = _mm256_setzero_ps();
        __m256 acc1 = _mm256_setzero_ps();
        int c = 0;
        for (; c + 16 <= n; c += 16) {
            acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(l1 + c), _mm256_loadu_ps(l2 + c), acc0);
            acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(l1 + c + 8), _mm256_loadu_ps(l2 + c + 8), acc1);
        }
        if (c < n) acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(l1 + c), _mm256_loadu_ps(l2 + c), acc0);
        float f = hsum256(_mm256_add_ps(acc0, acc1));
        float g = gradient(m, f, label, alpha);
        __m256 gv = _mm256_set1_ps(g);
        for (c = 0; c < n; c += 8) {
            __m256 w2 = _mm256_loadu_ps(l2 + c);
            __m256 w1 = _mm256_loadu_ps(l1 + c);
            _mm256_storeu_ps(neu1e + c, _mm256_fmadd_ps(gv, w2, _mm256_loadu_ps(neu1e + c)));
            _mm256_storeu_ps(l2 + c, _mm256_fmadd_ps(gv, w1, w2));
        }
    }
    for (int c = 0; c < n; c += 8) {
        _mm256_storeu_ps(l1 + c, _mm256_add_ps(_mm256_loadu_ps(l1 + c), _mm256_loadu_ps(neu1e + c)));
    }
}
#endif

// MARK: - Scores for nearest neighbours

#if TSR_X86
__attribute__((target("avx2,fma")))
static float dot_avx2(const float *a, const float *b, int dim) {
    __m256 acc0 = _mm256_setzero_ps();
    __m256 acc1 = _mm256_setzero_ps();
    int c = 0;
    for (; c + 16 <= dim; c += 16) {
        acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + c), _mm256_loadu_ps(b + c), acc0);
        acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + c + 8), _mm256_loadu_ps(b + c + 8), acc1);
    }
    for (; c + 8 <= dim; c += 8) acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + c), _mm256_loadu_ps(b + c), acc0);
    float s = hsum256(_mm256_add_ps(acc0, acc1));
    for (; c < dim; c++) s += a[c] * b[c];
    return s;
}
#endif

void tsr_w2v_scores(const float *matrix, int64_t rows, int32_t dim, const float *queries,
                    int32_t query_count, float *out, int32_t use_avx2) {
    const int64_t block = 256;
    for (int64_t r0 = 0; r0 < rows; r0 += block) {
        int64_t r1 = r0 + block < rows ? r0 + block : rows;
        for (int32_t q = 0; q < query_count; q++) {
            const float *query = queries + (int64_t)q * dim;
            float *o = out + (int64_t)q * rows;
            for (int64_t r = r0; r < r1; r++) {
#if TSR_X86
                if (use_avx2) { o[r] = dot_avx2(query, matrix + r * dim, dim); continue; }
#endif
                o[r] = dot_generic(query, matrix + r * dim, dim);
            }
        }
    }
}

// MARK: - Dispatch

void tsr_w2v_sgns_pair(const tsr_w2v_model *model, int32_t input, int32_t target,
                       uint64_t *rng, float alpha, float *neu1e) {
#if TSR_X86
    if (model->use_avx2) {
        sgns_pair_avx2(model, input, target, rng, alpha, neu1e);
        return;
    }
#endif
    sgns_pair_generic(model, input, target, rng, alpha, neu1e);
}
