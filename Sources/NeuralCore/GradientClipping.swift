import CKernels
import TensorOps

/// Global-norm gradient clipping.
public enum GradientClipping {
    /// The global L2 norm of the gradients.
    public static func norm(_ gradients: FloatBuffer) -> Float {
        Float(tk_sum_squares(gradients.pointer, Int64(gradients.count)).squareRoot())
    }

    /// Scales the gradients so that their global norm is at most `maxNorm` (0: no clipping);
    /// returns the norm before clipping.
    @discardableResult
    public static func clip(_ gradients: FloatBuffer, maxNorm: Float) -> Float {
        let norm = norm(gradients)
        if maxNorm > 0 && norm > maxNorm { tk_scale(gradients.pointer, maxNorm / norm, Int64(gradients.count)) }
        return norm
    }
}
