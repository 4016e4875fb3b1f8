// TensorOps: the numeric floor under the language model.
//
// - ``FloatBuffer``: 64-byte-aligned float32 storage with pointer access for hot loops.
// - ``Matmul``: row-major `cblas_sgemm` wrappers (NN / NT / TN) for linear layers.
// - ``Kernels``: fused elementwise kernels (softmax, layer norm, GELU/ReLU, residual add,
//   cross-entropy, AdamW) implemented in the `CKernels` C target with AVX2 / AVX-512 variants chosen
//   at run time, so the package needs no unsafe build flags.
// - ``SeededGenerator``: a reproducible random number generator (xoshiro256**) with normal samples.
import COpenBLAS
