// CEmbeddingKernels: the inner loop of Word2Vec skip-gram with negative sampling, in C so that
// it can be compiled for AVX2/FMA (Swift on x86-64 targets baseline SSE2), with a portable
// fallback chosen at run time.
#ifndef TSR_EMBEDDING_KERNELS_H
#define TSR_EMBEDDING_KERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Entries of the sigmoid table, and the |x| beyond which sigmoid saturates (as word2vec.c).
#define TSR_W2V_EXP_TABLE_SIZE 1000
#define TSR_W2V_MAX_EXP 6

/// One bucket of Walker's alias table over the noise distribution: a draw that lands in the
/// bucket gives `row` when its 24-bit fraction is below `threshold`, else `alias`.
typedef struct {
    uint32_t threshold;
    int32_t row;
    int32_t alias;
    int32_t unused;
} tsr_w2v_noise_bucket;

/// Everything the pair update reads; set up once per training run.
typedef struct {
    float *syn0;            ///< input vectors, rows × stride (first dim floats used)
    float *syn1neg;         ///< output (context) vectors, rows × stride
    const tsr_w2v_noise_bucket *noise; ///< alias table of the unigram^0.75 distribution
    const float *exp_table; ///< TSR_W2V_EXP_TABLE_SIZE sigmoid values over [-MAX_EXP, MAX_EXP)
    int64_t noise_count;    ///< buckets in `noise` (at most 2^24)
    int32_t dim;
    int32_t stride;         ///< floats between rows: dim rounded up to a multiple of 16 (a cache
                            ///< line), so that threads updating neighbouring rows do not share a
                            ///< line; the padding must be zero and stays zero
    int32_t negative;
    int32_t use_avx2;       ///< 1: AVX2+FMA variant (see tsr_w2v_cpu_has_avx2_fma)
} tsr_w2v_model;

/// 1 when the CPU runs AVX2 and FMA instructions.
int tsr_w2v_cpu_has_avx2_fma(void);

/// Fills `table` (TSR_W2V_EXP_TABLE_SIZE floats) with word2vec.c's sigmoid table.
void tsr_w2v_fill_exp_table(float *table);

/// One skip-gram step: the input vector of `input` learns to predict `target` (label 1) against
/// `negative` noise rows drawn from the alias table (label 0) with the LCG state `*rng`, at learning
/// rate `alpha`. `neu1e` is scratch of `stride` floats. Lock-free: races with other threads are
/// accepted, as in word2vec.c (Hogwild).
void tsr_w2v_sgns_pair(const tsr_w2v_model *model, int32_t input, int32_t target,
                       uint64_t *rng, float alpha, float *neu1e);

/// Dot products of `query_count` queries (rows of `queries`) with `rows` matrix rows:
/// `out[q * rows + r] = queries[q] · matrix[r]`. Blocked over rows so a block stays in cache.
void tsr_w2v_scores(const float *matrix, int64_t rows, int32_t dim, const float *queries,
                    int32_t query_count, float *out, int32_t use_avx2);

/// Atomically adds `value` to `*counter` and returns the previous value.
int64_t tsr_w2v_atomic_add(int64_t *counter, int64_t value);

/// Atomically reads `*counter`.
int64_t tsr_w2v_atomic_load(const int64_t *counter);

#ifdef __cplusplus
}
#endif

#endif
