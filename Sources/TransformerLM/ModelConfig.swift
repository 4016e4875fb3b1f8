import Foundation
import NeuralCore

/// The shape and options of a decoder-only Transformer.
///
/// Defaults are the classic model of the project notes with GPT-2 style training choices:
/// sinusoidal positions, pre-LN, GELU (tanh approximation), dense FFN, tied embeddings.
public struct ModelConfig: Codable, Sendable, Equatable {
    /// How positions enter the model.
    public enum Positions: String, Codable, Sendable, CaseIterable { case sinusoidal, learned }
    /// Where layer norm sits relative to the residual connection.
    public enum Norm: String, Codable, Sendable, CaseIterable { case pre, post }
    /// The FFN non-linearity (NeuralCore's `Activation`).
    public typealias Activation = NeuralCore.Activation
    /// Dense FFN or mixture of experts.
    public enum FFN: String, Codable, Sendable, CaseIterable { case dense, moe }

    /// Number of token ids.
    public var vocabSize: Int
    /// Maximum sequence length.
    public var contextLength: Int
    /// Number of Transformer blocks.
    public var layers: Int
    /// Attention heads per block.
    public var heads: Int
    /// Model (residual stream) width.
    public var dim: Int
    /// Hidden width of the FFN (each expert's, for MoE).
    public var ffnDim: Int
    /// Position encoding.
    public var positions: Positions = .sinusoidal
    /// Layer-norm placement.
    public var norm: Norm = .pre
    /// FFN activation.
    public var activation: Activation = .gelu
    /// FFN kind.
    public var ffn: FFN = .dense
    /// Number of experts (MoE only).
    public var experts: Int = 4
    /// Experts used per token (MoE only).
    public var topK: Int = 2
    /// Weight of the load-balancing auxiliary loss (MoE only).
    public var auxLossWeight: Float = 0.01
    /// Whether the output head shares the token embedding matrix.
    public var tieEmbeddings: Bool = true
    /// Dropout probability on the attention and FFN outputs (training only).
    public var dropout: Float = 0
    /// Layer-norm epsilon.
    public var layerNormEpsilon: Float = 1e-5

    /// Creates a configuration.
    public init(
        vocabSize: Int, contextLength: Int, layers: Int, heads: Int, dim: Int, ffnDim: Int,
        positions: Positions = .sinusoidal, norm: Norm = .pre, activation: Activation = .gelu, ffn: FFN = .dense,
        experts: Int = 4, topK: Int = 2, auxLossWeight: Float = 0.01, tieEmbeddings: Bool = true, dropout: Float = 0
    ) {
        self.vocabSize = vocabSize
        self.contextLength = contextLength
        self.layers = layers
        self.heads = heads
        self.dim = dim
        self.ffnDim = ffnDim
        self.positions = positions
        self.norm = norm
        self.activation = activation
        self.ffn = ffn
        self.experts = experts
        self.topK = topK
        self.auxLossWeight = auxLossWeight
        self.tieEmbeddings = tieEmbeddings
        self.dropout = dropout
    }

    /// Factor on token embeddings before positions are added: √dim with sinusoidal positions
    /// (whose entries are of size 1, as in the original Transformer), 1 with learned ones.
    public var embeddingScale: Float { positions == .sinusoidal ? Float(dim).squareRoot() : 1 }

    /// Standard deviation of the token-embedding initialization: 1/√dim with sinusoidal positions
    /// (so that scaled embeddings have unit size), 0.02 (GPT-2) with learned ones.
    public var embeddingInitStd: Float { positions == .sinusoidal ? 1 / Float(dim).squareRoot() : 0.02 }

    /// Width of one attention head.
    public var headDim: Int { dim / max(heads, 1) }

    /// Throws when the numbers do not fit together.
    public func validate() throws {
        if vocabSize < 2 { throw ModelError.invalidConfig("vocabulary size \(vocabSize) must be at least 2") }
        if contextLength < 1 { throw ModelError.invalidConfig("context \(contextLength) must be at least 1") }
        if layers < 1 || heads < 1 || dim < 1 || ffnDim < 1 {
            throw ModelError.invalidConfig("layers, heads, dim and ffn-dim must be positive")
        }
        if dim % heads != 0 { throw ModelError.invalidConfig("dim \(dim) is not divisible by heads \(heads)") }
        if positions == .sinusoidal && dim % 2 != 0 { throw ModelError.invalidConfig("sinusoidal positions need an even dim, got \(dim)") }
        if ffn == .moe && (experts < 1 || topK < 1 || topK > experts) {
            throw ModelError.invalidConfig("MoE needs 1 ≤ top-k (\(topK)) ≤ experts (\(experts))")
        }
        if !(dropout >= 0 && dropout < 1) { throw ModelError.invalidConfig("dropout \(dropout) must be in [0, 1)") }
        // Sanity limits, checked before anything is allocated (a corrupt config.json must fail here).
        for (name, value, limit) in [
            ("vocabulary size", vocabSize, Int(Int32.max)), ("context", contextLength, 1 << 20), ("layers", layers, 4096),
            ("heads", heads, 4096), ("dim", dim, 1 << 16), ("ffn-dim", ffnDim, 1 << 20), ("experts", experts, 4096),
        ] where value > limit {
            throw ModelError.invalidConfig("\(name) \(value) is larger than the limit \(limit)")
        }
    }

    /// The number of parameters, computed in floating point (no overflow for any input), so a
    /// size can be checked before the model is allocated.
    public var approximateParameterCount: Double {
        let V = Double(vocabSize), T = Double(contextLength), C = Double(dim), F = Double(ffnDim), L = Double(layers)
        let ffnWeights = ffn == .moe ? Double(experts) * (2 * C * F + F + C) + Double(experts) * C : 2 * C * F + F + C
        return V * C + (positions == .learned ? T * C : 0) + L * (4 * C * C + 4 * C + 4 * C + ffnWeights) + 2 * C
            + (tieEmbeddings ? 0 : V * C)
    }

    // MARK: Presets

    /// The `tiny` benchmark/learning config: 4 layers, 4 heads, dim 128, context 128.
    public static func tiny(vocabSize: Int) -> ModelConfig {
        ModelConfig(vocabSize: vocabSize, contextLength: 128, layers: 4, heads: 4, dim: 128, ffnDim: 512)
    }

    /// The `small` benchmark config: 6 layers, 6 heads, dim 384, context 256.
    public static func small(vocabSize: Int) -> ModelConfig {
        ModelConfig(vocabSize: vocabSize, contextLength: 256, layers: 6, heads: 6, dim: 384, ffnDim: 1536)
    }

    // MARK: JSON

    /// Reads a config written from ``jsonData()``.
    public static func read(_ path: String) throws -> ModelConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ModelError.badCheckpoint(path: path, detail: "missing config.json")
        }
        do {
            let config = try JSONDecoder().decode(ModelConfig.self, from: data)
            try config.validate()
            return config
        } catch ModelError.invalidConfig(let detail) {
            throw ModelError.badCheckpoint(path: path, detail: detail)
        } catch let e as ModelError { throw e } catch {
            throw ModelError.badCheckpoint(path: path, detail: "not a valid model config: \(Checkpoint.decodingProblem(error))")
        }
    }

    /// The config as pretty JSON.
    public func jsonData() throws -> Data {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try enc.encode(self)
    }
}
