import NeuralCore
import TensorOps

/// A trainable encoder–decoder of any ``Seq2SeqConfig/Architecture``: the flat parameters and
/// gradients the optimizer and checkpoints use, a teacher-forced forward/backward on padded
/// batches, and the ``TranslationModel`` interface the searches use.
public protocol Seq2SeqNetwork: TranslationModel {
    /// The configuration.
    var config: Seq2SeqConfig { get }
    /// Tensor names, shapes and offsets.
    var layout: ParameterLayout { get }
    /// All parameters, flat.
    var parameters: FloatBuffer { get }
    /// Gradients, same layout.
    var gradients: FloatBuffer { get }
    /// Threads the model's kernels use.
    var threads: Int { get set }

    /// Runs the model on a padded batch with teacher forcing and returns the mean loss over the
    /// real target positions, label-smoothed with `labelSmoothing` (nil: the config's; 0: plain NLL).
    @discardableResult
    func forward(_ batch: TranslationBatch, labelSmoothing: Float?) throws(Seq2SeqError) -> Float
    /// Accumulates into ``gradients`` the gradient of the last forward's loss.
    func backward()
    /// The decoder's attention over the source while it reads `<bos> + output` (teacher-forced):
    /// `maps[layer][head][i][j]`; an error for a model without attention.
    func crossAttentionMaps(source: [Int32], output: [Int32]) throws(Seq2SeqError) -> [[[[Double]]]]
}

extension Seq2SeqNetwork {
    /// Number of parameters.
    public var parameterCount: Int { layout.count }

    /// Sets every gradient to zero.
    public func zeroGradients() { gradients.zero() }
}

/// Builds the network a configuration describes.
public enum Seq2SeqNetworks {
    /// A freshly initialized (seeded) model of `config.architecture`.
    public static func make(config: Seq2SeqConfig, seed: UInt64 = 1) throws(Seq2SeqError) -> any Seq2SeqNetwork {
        switch config.architecture {
        case .transformer: try Seq2SeqTransformer(config: config, seed: seed)
        case .rnnAttention, .rnn: try Seq2SeqRecurrent(config: config, seed: seed)
        }
    }
}
