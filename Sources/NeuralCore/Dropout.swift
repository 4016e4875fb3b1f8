import CKernels
import TensorOps

/// Inverted dropout with a stored mask: each value is kept with probability `1 − p` and scaled by
/// `1/(1 − p)`, so nothing changes at inference.
public enum Dropout {
    /// Draws a mask of 0 or `1/(1 − p)` for every element of `mask` from `rng`.
    public static func fillMask(_ mask: FloatBuffer, probability p: Float, rng: inout SeededGenerator) {
        let keep = 1 / (1 - p)
        let m = mask.pointer
        for i in 0..<mask.count { m[i] = rng.nextUniform() < p ? 0 : keep }
    }

    /// In place: `x *= mask` over `count` values.
    public static func forward(_ x: UnsafeMutablePointer<Float>, mask: UnsafePointer<Float>, count: Int) {
        tk_multiply(x, mask, Int64(count))
    }

    /// In place: `dx *= mask` (the same product: the mask is the Jacobian's diagonal).
    public static func backward(_ dx: UnsafeMutablePointer<Float>, mask: UnsafePointer<Float>, count: Int) {
        tk_multiply(dx, mask, Int64(count))
    }
}
