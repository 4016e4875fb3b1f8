import CKernels
import Foundation
import TensorOps

/// AdamW with bias correction and decoupled weight decay (applied to matrices only).
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

    /// One update of all parameters of `model` with learning rate `lr`.
    public func update(_ model: any TrainableModel, lr: Float) {
        update(parameters: model.parameters, gradients: model.gradients, layout: model.parameterLayout, lr: lr, threads: model.threads)
    }

    /// One update of `parameters` (laid out by `layout`) from `gradients` with learning rate `lr`;
    /// large tensors are split across `threads`.
    public func update(parameters: FloatBuffer, gradients: FloatBuffer, layout: ParameterLayout, lr: Float, threads: Int) {
        step += 1
        let bc1 = Float(1 - Foundation.pow(Double(beta1), Double(step))), bc2 = Float(1 - Foundation.pow(Double(beta2), Double(step)))
        for e in layout.entries {
            let o = e.offset, decay = e.decays ? weightDecay : 0
            let p = parameters.pointer + o, g = gradients.pointer + o, m1 = m.pointer + o, m2 = v.pointer + o
            let (b1, b2, eps) = (beta1, beta2, epsilon)
            Chunked.run(e.count, threads: threads, minimum: 1 << 16) { lo, hi in
                tk_adamw(p + lo, g + lo, m1 + lo, m2 + lo, Int64(hi - lo), lr, b1, b2, eps, decay, bc1, bc2)
            }
        }
    }
}
