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

    /// Whether training carries the model's state from one batch to the next (truncated
    /// backpropagation through time): the trainer then reads the stream as `batch` parallel lanes
    /// (``TokenStream/laneBatch(at:batch:time:)``) so that row `b` of a batch continues row `b` of
    /// the previous one, and calls ``resetState()`` whenever the lanes start again. Default: false.
    var carriesState: Bool { get }
    /// Forgets the carried state.
    func resetState()
    /// The carried state as named tensors, saved with the training state so that a resumed run
    /// continues bit for bit (empty when nothing is carried).
    func carriedState() -> [(name: String, values: [Float])]
    /// Restores what ``carriedState()`` returned.
    func restoreCarriedState(_ tensors: [String: [Float]]) throws
}

extension TrainableModel {
    /// Number of parameters.
    public var parameterCount: Int { parameterLayout.count }

    /// Sets all gradients to zero.
    public func zeroGradients() { gradients.zero() }

    /// No carried state by default.
    public var carriesState: Bool { false }
    /// Nothing to forget by default.
    public func resetState() {}
    /// Nothing carried by default.
    public func carriedState() -> [(name: String, values: [Float])] { [] }
    /// Nothing to restore by default.
    public func restoreCarriedState(_ tensors: [String: [Float]]) throws {}
}
