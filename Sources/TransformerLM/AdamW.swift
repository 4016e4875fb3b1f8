import CKernels
import Foundation
import TensorOps

/// AdamW with bias correction and decoupled weight decay (applied to matrices only), plus
/// global-norm gradient clipping.
public final class AdamW {
    /// First-moment estimates (same layout as the parameters).
    public let m: FloatBuffer
    /// Second-moment estimates.
    public let v: FloatBuffer
    /// Number of updates done.
    public var step: Int = 0
    /// Decay of the first moment.
    public var beta1: Float
    /// Decay of the second moment.
    public var beta2: Float
    /// Added to the root of the second moment.
    public var epsilon: Float
    /// Decoupled weight decay (matrices only).
    public var weightDecay: Float

    /// Creates an optimizer for `count` parameters.
    public init(count: Int, beta1: Float = 0.9, beta2: Float = 0.95, epsilon: Float = 1e-8, weightDecay: Float = 0.1) {
        m = FloatBuffer(count: count)
        v = FloatBuffer(count: count)
        self.beta1 = beta1; self.beta2 = beta2; self.epsilon = epsilon; self.weightDecay = weightDecay
    }

    /// The global L2 norm of the gradients.
    public static func gradientNorm(_ model: TransformerModel) -> Float {
        Float(tk_sum_squares(model.gradients.pointer, Int64(model.gradients.count)).squareRoot())
    }

    /// Scales the gradients so that their global norm is at most `maxNorm`; returns the norm before clipping.
    @discardableResult
    public static func clipGradients(_ model: TransformerModel, maxNorm: Float) -> Float {
        let norm = gradientNorm(model)
        if maxNorm > 0 && norm > maxNorm { tk_scale(model.gradients.pointer, maxNorm / norm, Int64(model.gradients.count)) }
        return norm
    }

    /// One update of all parameters with learning rate `lr`.
    public func update(_ model: TransformerModel, lr: Float) {
        step += 1
        let bc1 = Float(1 - Foundation.pow(Double(beta1), Double(step))), bc2 = Float(1 - Foundation.pow(Double(beta2), Double(step)))
        for e in model.layout.entries {
            let o = e.offset, decay = e.decays ? weightDecay : 0
            let p = model.parameters.pointer + o, g = model.gradients.pointer + o, m1 = m.pointer + o, m2 = v.pointer + o
            let (b1, b2, eps) = (beta1, beta2, epsilon)
            // Elementwise: large tensors are split across the model's threads.
            LayerKernels.chunked(e.count, threads: model.threads, minimum: 1 << 16) { lo, hi in
                tk_adamw(p + lo, g + lo, m1 + lo, m2 + lo, Int64(hi - lo), lr, b1, b2, eps, decay, bc1, bc2)
            }
        }
    }
}


