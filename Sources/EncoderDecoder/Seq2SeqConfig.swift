import Foundation
import NeuralCore

/// The shape and options of an encoder–decoder translation model (`config.json` of a model directory).
///
/// The Transformer defaults follow "Attention Is All You Need": sinusoidal positions, post-LN,
/// ReLU FFN, one embedding table shared by the encoder, the decoder and the (tied) output layer —
/// the vocabulary is joint — and label smoothing 0.1.
public struct Seq2SeqConfig: Codable, Sendable, Equatable {
    /// The model family.
    public enum Architecture: String, Codable, Sendable, CaseIterable {
        /// The Transformer encoder–decoder.
        case transformer
        /// A recurrent encoder and a decoder with global dot-product attention.
        case rnnAttention = "rnn-attention"
        /// A recurrent encoder and decoder joined only by the encoder's final state.
        case rnn
    }

    /// Where layer norm sits relative to the residual connection.
    public enum Norm: String, Codable, Sendable, CaseIterable {
        /// `x + Sublayer(LN(x))`, with a final layer norm after each stack.
        case pre
        /// `LN(x + Sublayer(x))`, as in the paper.
        case post
    }

    /// The model family.
    public var architecture: Architecture = .transformer
    /// Number of token ids (joint vocabulary).
    public var vocabSize: Int
    /// Model width.
    public var dim: Int
    /// Attention heads.
    public var heads: Int
    /// Encoder blocks.
    public var encoderLayers: Int
    /// Decoder blocks.
    public var decoderLayers: Int
    /// FFN hidden width.
    public var ffnDim: Int
    /// Most source positions (`<eos>` included).
    public var maxSourceLength: Int
    /// Most target positions (`<bos>` / `<eos>` included).
    public var maxTargetLength: Int
    /// Layer-norm placement.
    public var norm: Norm = .post
    /// FFN activation.
    public var activation: Activation = .relu
    /// Label smoothing ε of the training loss.
    public var labelSmoothing: Float = 0.1
    /// Layer-norm epsilon.
    public var layerNormEpsilon: Float = 1e-5
    /// Recurrent archs: the cell of the encoder and the decoder, `lstm` or
    /// `gru` (nil, as in Transformer configs: LSTM).
    public var cell: RecurrentCell?
    /// Recurrent archs: whether the encoder reads the source in both directions (nil: no).
    public var bidirectional: Bool?
    /// The `<pad>` id.
    public var padID: Int32
    /// The `<bos>` id.
    public var bosID: Int32
    /// The `<eos>` id.
    public var eosID: Int32

    /// Creates a configuration.
    public init(
        vocabSize: Int, dim: Int, heads: Int, encoderLayers: Int, decoderLayers: Int, ffnDim: Int,
        maxSourceLength: Int, maxTargetLength: Int, norm: Norm = .post, activation: Activation = .relu,
        labelSmoothing: Float = 0.1, padID: Int32, bosID: Int32, eosID: Int32
    ) {
        self.vocabSize = vocabSize
        self.dim = dim
        self.heads = heads
        self.encoderLayers = encoderLayers
        self.decoderLayers = decoderLayers
        self.ffnDim = ffnDim
        self.maxSourceLength = maxSourceLength
        self.maxTargetLength = maxTargetLength
        self.norm = norm
        self.activation = activation
        self.labelSmoothing = labelSmoothing
        self.padID = padID
        self.bosID = bosID
        self.eosID = eosID
    }

    /// The recurrent cell (LSTM unless set).
    public var recurrentCell: RecurrentCell { cell ?? .lstm }
    /// Whether the recurrent encoder is bidirectional.
    public var isBidirectional: Bool { bidirectional ?? false }

    /// Rows of the sinusoidal table (enough for the longer side).
    public var positions: Int { max(maxSourceLength, maxTargetLength) }

    /// A source sentence as the encoder reads it: truncated to ``maxSourceLength`` keeping a final
    /// `<eos>`, `<eos>` alone when empty, and ids outside the vocabulary replaced by `<eos>`.
    public func encoderInput(_ source: [Int32]) -> [Int32] {
        var ids = source
        if ids.count > maxSourceLength { ids = Array(ids.prefix(maxSourceLength - 1)) + [eosID] }
        if ids.isEmpty { ids = [eosID] }
        return ids.map { $0 >= 0 && Int($0) < vocabSize ? $0 : eosID }
    }

    /// √dim: token embeddings are scaled by it before positions are added (Vaswani et al. §3.4).
    public var embeddingScale: Float { Float(dim).squareRoot() }

    /// Throws a one-line error naming the first value out of range.
    public func validate() throws(Seq2SeqError) {
        guard vocabSize >= 4 else { throw .invalidConfig("vocabSize \(vocabSize): expected at least 4") }
        if architecture == .transformer {
            guard dim >= 2, dim % 2 == 0 else { throw .invalidConfig("dim \(dim): expected an even number ≥ 2") }
            guard heads >= 1, dim % heads == 0 else { throw .invalidConfig("heads \(heads): expected a divisor of dim \(dim)") }
        } else {
            guard dim >= 1 else { throw .invalidConfig("dim \(dim): expected at least 1") }
            guard recurrentCell != .rnn else { throw .invalidConfig("cell rnn: expected lstm or gru for a recurrent encoder–decoder") }
            guard encoderLayers == decoderLayers else {
                throw .invalidConfig(
                    "decoderLayers \(decoderLayers): a recurrent decoder starts from the encoder's final state of each layer, so it needs encoderLayers (\(encoderLayers))"
                )
            }
        }
        guard encoderLayers >= 1 else { throw .invalidConfig("encoderLayers \(encoderLayers): expected at least 1") }
        guard decoderLayers >= 1 else { throw .invalidConfig("decoderLayers \(decoderLayers): expected at least 1") }
        guard ffnDim >= 1 else { throw .invalidConfig("ffnDim \(ffnDim): expected at least 1") }
        guard maxSourceLength >= 2 else { throw .invalidConfig("maxSourceLength \(maxSourceLength): expected at least 2") }
        guard maxTargetLength >= 2 else { throw .invalidConfig("maxTargetLength \(maxTargetLength): expected at least 2") }
        guard labelSmoothing >= 0, labelSmoothing < 1 else {
            throw .invalidConfig("labelSmoothing \(labelSmoothing): expected a value in [0, 1)")
        }
        for (name, id) in [("padID", padID), ("bosID", bosID), ("eosID", eosID)] where id < 0 || Int(id) >= vocabSize {
            throw .invalidConfig("\(name) \(id): expected an id below vocabSize \(vocabSize)")
        }
    }
}
