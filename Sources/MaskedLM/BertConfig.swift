import Foundation

/// The shape and options of a BERT encoder with its heads.
///
/// Defaults are BERT's: post-LN, exact (erf) GELU, layer-norm epsilon 1e-12, two segment types,
/// learned positions, the MLM decoder tied to the token embedding.
public struct BertConfig: Codable, Sendable, Equatable {
    /// Where layer norm sits relative to the residual connection.
    public enum Norm: String, Codable, Sendable, CaseIterable {
        /// After each residual sum (BERT).
        case post
        /// Before each sub-layer, with a final layer norm (GPT-2 style).
        case pre
    }

    /// Number of token ids.
    public var vocabSize: Int
    /// Maximum sequence length (learned positions).
    public var maxPositions: Int
    /// Transformer blocks.
    public var layers: Int
    /// Attention heads per block.
    public var heads: Int
    /// Hidden width.
    public var dim: Int
    /// FFN (intermediate) width.
    public var ffnDim: Int
    /// Segment (token type) ids.
    public var typeVocabSize: Int = 2
    /// Layer-norm placement.
    public var norm: Norm = .post
    /// The FFN and MLM-transform non-linearity.
    public var activation: BertActivation = .gelu
    /// Layer-norm epsilon.
    public var layerNormEpsilon: Float = 1e-12
    /// Whether the model has the next-sentence-prediction head (and the pooler).
    public var nextSentencePrediction: Bool = false
    /// Labels of the sequence-classification head (empty: no head).
    public var classLabels: [String] = []

    /// Creates a configuration.
    public init(
        vocabSize: Int, maxPositions: Int, layers: Int, heads: Int, dim: Int, ffnDim: Int, typeVocabSize: Int = 2,
        norm: Norm = .post, activation: BertActivation = .gelu, layerNormEpsilon: Float = 1e-12,
        nextSentencePrediction: Bool = false, classLabels: [String] = []
    ) {
        self.vocabSize = vocabSize
        self.maxPositions = maxPositions
        self.layers = layers
        self.heads = heads
        self.dim = dim
        self.ffnDim = ffnDim
        self.typeVocabSize = typeVocabSize
        self.norm = norm
        self.activation = activation
        self.layerNormEpsilon = layerNormEpsilon
        self.nextSentencePrediction = nextSentencePrediction
        self.classLabels = classLabels
    }

    /// Whether the pooler (`dense + tanh` on `[CLS]`) exists: needed by NSP and classification.
    public var hasPooler: Bool { nextSentencePrediction || !classLabels.isEmpty }

    /// Throws when the numbers do not fit together.
    public func validate() throws {
        if vocabSize < 2 { throw MaskedLMError.invalidOption("vocabSize \(vocabSize) must be at least 2") }
        if maxPositions < 1 { throw MaskedLMError.invalidOption("maxPositions \(maxPositions) must be at least 1") }
        if layers < 1 || heads < 1 || dim < 1 || ffnDim < 1 {
            throw MaskedLMError.invalidOption("layers, heads, dim and ffnDim must be positive")
        }
        if dim % heads != 0 { throw MaskedLMError.invalidOption("dim \(dim) is not divisible by heads \(heads)") }
        if typeVocabSize < 1 { throw MaskedLMError.invalidOption("typeVocabSize \(typeVocabSize) must be at least 1") }
        if classLabels.count == 1 { throw MaskedLMError.invalidOption("a classification head needs at least 2 labels, got 1") }
        if Set(classLabels).count != classLabels.count { throw MaskedLMError.invalidOption("class labels must be distinct") }
    }

    /// The config as pretty JSON (Tessera's own `config.json`).
    public func jsonData() throws -> Data {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try enc.encode(self)
    }
}
