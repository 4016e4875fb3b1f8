import Foundation
import NeuralCore

/// The shape and options of a recurrent language model: token embedding → stacked RNN/LSTM/GRU
/// layers → optional projection → output head (tied to the embedding or not).
///
/// Saved as `config.json`; the `arch` key (`rnn`, `lstm`, `gru`) tells it from a Transformer config.
public struct RecurrentConfig: Codable, Sendable, Equatable {
    /// The recurrent cell.
    public var arch: RecurrentCell
    /// Number of token ids.
    public var vocabSize: Int
    /// Length of a training window (truncated backpropagation through time); generation is unbounded.
    public var contextLength: Int
    /// Token-embedding width (the first layer's input).
    public var embeddingDim: Int
    /// Hidden units of every recurrent layer.
    public var hiddenSize: Int
    /// Number of recurrent layers.
    public var layers: Int
    /// Dropout on the embeddings, between layers and on the last layer's output (training only).
    public var dropout: Float = 0
    /// Whether the output head is the token-embedding matrix.
    public var tieEmbeddings: Bool = true
    /// Whether a linear projection `hidden → embeddingDim` sits before the head.
    public var projection: Bool = false
    /// Whether training carries the hidden (and cell) state from one window to the next window of
    /// the same stream lane (truncated BPTT across windows); otherwise every window starts from zero.
    /// Validation, evaluation and generation always start from zero.
    public var carryState: Bool = false

    /// Creates a configuration.
    public init(
        arch: RecurrentCell, vocabSize: Int, contextLength: Int, embeddingDim: Int, hiddenSize: Int, layers: Int,
        dropout: Float = 0, tieEmbeddings: Bool = true, projection: Bool = false, carryState: Bool = false
    ) {
        self.arch = arch
        self.vocabSize = vocabSize
        self.contextLength = contextLength
        self.embeddingDim = embeddingDim
        self.hiddenSize = hiddenSize
        self.layers = layers
        self.dropout = dropout
        self.tieEmbeddings = tieEmbeddings
        self.projection = projection
        self.carryState = carryState
    }

    enum CodingKeys: String, CodingKey {
        case arch, vocabSize, contextLength, embeddingDim, hiddenSize, layers, dropout, tieEmbeddings, projection, carryState
    }

    /// Decodes a config; the options after the sizes may be left out (their defaults apply).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        arch = try c.decode(RecurrentCell.self, forKey: .arch)
        vocabSize = try c.decode(Int.self, forKey: .vocabSize)
        contextLength = try c.decode(Int.self, forKey: .contextLength)
        embeddingDim = try c.decode(Int.self, forKey: .embeddingDim)
        hiddenSize = try c.decode(Int.self, forKey: .hiddenSize)
        layers = try c.decode(Int.self, forKey: .layers)
        dropout = try c.decodeIfPresent(Float.self, forKey: .dropout) ?? 0
        tieEmbeddings = try c.decodeIfPresent(Bool.self, forKey: .tieEmbeddings) ?? true
        projection = try c.decodeIfPresent(Bool.self, forKey: .projection) ?? false
        carryState = try c.decodeIfPresent(Bool.self, forKey: .carryState) ?? false
    }

    /// Width of the vector the head reads: `embeddingDim` after a projection, else `hiddenSize`.
    public var headInputSize: Int { projection ? embeddingDim : hiddenSize }

    /// The recurrent layers.
    public var stack: RecurrentStack {
        RecurrentStack(cell: arch, inputSize: embeddingDim, hiddenSize: hiddenSize, layerCount: layers, dropout: dropout)
    }

    /// Throws when the numbers do not fit together (naming the parameter).
    public func validate() throws {
        if vocabSize < 2 { throw ModelError.invalidConfig("vocabulary size \(vocabSize) must be at least 2") }
        if contextLength < 1 { throw ModelError.invalidConfig("context \(contextLength) must be at least 1") }
        if hiddenSize < 1 { throw ModelError.invalidConfig("hidden size \(hiddenSize) must be at least 1") }
        if layers < 1 { throw ModelError.invalidConfig("layers \(layers) must be at least 1") }
        if embeddingDim < 1 { throw ModelError.invalidConfig("embedding dim \(embeddingDim) must be at least 1") }
        if !(dropout >= 0 && dropout < 1) { throw ModelError.invalidConfig("dropout \(dropout) must be in [0, 1)") }
        if tieEmbeddings && headInputSize != embeddingDim {
            throw ModelError.invalidConfig(
                "tied embeddings need embedding dim \(embeddingDim) = hidden size \(hiddenSize), or a projection")
        }
    }

    // MARK: JSON

    /// Reads and validates a `config.json` written by ``jsonData()``.
    public static func read(_ path: String) throws -> RecurrentConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ModelError.badCheckpoint(path: path, detail: "missing config.json")
        }
        do {
            let config = try JSONDecoder().decode(RecurrentConfig.self, from: data)
            try config.validate()
            return config
        } catch let e as ModelError { throw e } catch {
            throw ModelError.badCheckpoint(path: path, detail: "not a valid recurrent model config: \(error)")
        }
    }

    /// The config as pretty JSON.
    public func jsonData() throws -> Data {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try enc.encode(self)
    }
}
