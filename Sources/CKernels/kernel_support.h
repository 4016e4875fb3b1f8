// Shared by the CKernels C files: the ISA dispatch macro and vectorizable exp/tanh/sigmoid.
// Private to the target (not under include/).
#ifndef CKERNELS_KERNEL_SUPPORT_H
#define CKERNELS_KERNEL_SUPPORT_H
#include "CKernels.h"
#include <math.h>
#include <string.h>

#define INLINE static inline __attribute__((always_inline))

#if defined(__x86_64__) || defined(__i386__)
#define TK_X86 1
#define TARGET_AVX2 __attribute__((target("avx2,fma")))
#define TARGET_AVX512 __attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx2,fma")))
#else
#define TK_X86 0
#endif

#if __has_builtin(__builtin_elementwise_sqrt)
#define TK_SQRT(x) __builtin_elementwise_sqrt(x)
#else
#define TK_SQRT(x) sqrtf(x)
#endif


// KERNEL_VARIANTS(name, (params), (args)): defines name_generic / name_avx2 / name_avx512 calling
// name##_body and the dispatching `name`.
#if TK_X86
#define KERNEL_VARIANTS(ret, name, params, args)                                   \
    static ret name##_generic params { return name##_body args; }                  \
    TARGET_AVX2 static ret name##_avx2 params { return name##_body args; }         \
    TARGET_AVX512 static ret name##_avx512 params { return name##_body args; }     \
    ret name params {                                                              \
        switch (tk_isa_level()) {                                                  \
        case 2: return name##_avx512 args;                                         \
        case 1: return name##_avx2 args;                                           \
        default: return name##_generic args;                                       \
        }                                                                          \
    }
#else
#define KERNEL_VARIANTS(ret, name, params, args) \
    ret name params { return name##_body args; }
#endif

// Elementwise loops carry `vectorize(assume_safety)`: outputs may alias inputs element for element
// (e.g. dinp == dout), which defeats the compiler's runtime overlap check and would otherwise fall
// back to the scalar loop.

// MARK: - exp and tanh that vectorize (Cephes expf polynomial, ~1 ulp on the reduced range)

INLINE float tk_exp(float x) {
    x = x < -87.0f ? -87.0f : x;
    x = x > 88.0f ? 88.0f : x;
    float n = floorf(x * 1.44269504088896341f + 0.5f);
    float r = x - n * 0.693359375f;
    r = r + n * 2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    float e = p * r * r + r + 1.0f;
    int32_t bits = ((int32_t)n + 127) << 23;
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    return e * scale;
}

INLINE float tk_tanh(float x) { return 1.0f - 2.0f / (tk_exp(2.0f * x) + 1.0f); }

INLINE float tk_sigmoid(float x) { return 1.0f / (1.0f + tk_exp(-x)); }

#endif
