import Foundation
import TensorOps

/// What the training loop, the optimizer, checkpoints and evaluation need from a model: flat
/// parameters and gradients in a ``ParameterLayout``, a next-token forward with per-token losses,
/// and a backward that accumulates into the gradients.
public protocol TrainableModel: AnyObject {
    /// Tensor names, shapes and offsets inside ``parameters``.
    var parameterLayout: ParameterLayout { get }
    /// All parameters, flat.
    var parameters: FloatBuffer { get }
    /// Gradients, same layout as ``parameters``.
    var gradients: FloatBuffer { get }
    /// Threads the model's kernels use.
    var threads: Int { get }
    /// The sequence length a training window has (`T` of the `[B, T]` batches).
    var contextLength: Int { get }
    /// Per-token losses `[B·T]` of the last forward with targets.
    var tokenLosses: UnsafePointer<Float>? { get }

    /// Runs the model on `[B, T]` ids and, with targets, returns the mean loss; with `training`,
    /// random choices (dropout) are drawn from `rng`.
    @discardableResult
    func forward(inputs: [Int32], targets: [Int32]?, batch: Int, time: Int, training: Bool, rng: inout SeededGenerator) throws -> Float
    /// Accumulates into ``gradients`` the gradient of the last forward's loss.
    func backward()
    /// The model's configuration as JSON (`config.json` of a checkpoint).
    func configurationJSON() throws -> Data
}

extension TrainableModel {
    /// Number of parameters.
    public var parameterCount: Int { parameterLayout.count }

    /// Sets all gradients to zero.
    public func zeroGradients() { gradients.zero() }
}
