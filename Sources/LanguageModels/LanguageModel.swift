import Foundation
import NeuralCore
import RecurrentLM
import TransformerLM

/// A next-token language model of either family — the GPT-style Transformer or a recurrent
/// (RNN, LSTM, GRU) model — made from `LanguageModelSettings` or loaded from a
/// model directory, so that training, evaluation and generation are written once for both
/// (`tessera train-lm`, `generate`, `evaluate-lm` and the pipeline's stages).
///
/// ```swift
/// var settings = LanguageModelSettings()
/// settings.arch = .lstm
/// settings.layers = 2
/// let model = try LanguageModel.make(settings: settings, vocabularySize: 4096, threads: 2)
/// let trainer = try Trainer(model: model.trainable, options: settings.trainingOptions(), train: train, validation: val)
/// ```
public enum LanguageModel {
    /// A Transformer (`TransformerLM`).
    case transformer(TransformerModel)
    /// A recurrent model (`RecurrentLM`).
    case recurrent(RecurrentModel)

    /// The model as the training loop, checkpoints and the evaluator see it.
    public var trainable: any TrainableModel {
        switch self {
        case .transformer(let m): m
        case .recurrent(let m): m
        }
    }

    /// The model family.
    public var arch: LanguageModelArchitecture {
        switch self {
        case .transformer: .transformer
        case .recurrent(let m): LanguageModelArchitecture(rawValue: m.config.arch.rawValue) ?? .transformer
        }
    }

    /// Vocabulary size.
    public var vocabularySize: Int {
        switch self {
        case .transformer(let m): m.config.vocabSize
        case .recurrent(let m): m.config.vocabSize
        }
    }

    /// One line describing the architecture (family, sizes, options).
    public var summary: String {
        switch self {
        case .transformer(let m):
            let c = m.config
            return
                "transformer: \(c.layers) layers, \(c.heads) heads, dim \(c.dim), ffn \(c.ffnDim) (\(c.ffn.rawValue)), context \(c.contextLength), "
                + "vocab \(c.vocabSize), \(c.positions.rawValue) positions, \(c.norm.rawValue)-LN, \(c.activation.rawValue)"
        case .recurrent(let m):
            let c = m.config
            return
                "\(c.arch.rawValue): \(c.layers) layers, hidden \(c.hiddenSize), embedding \(c.embeddingDim)\(c.projection ? " (projected)" : ""), "
                + "context \(c.contextLength), vocab \(c.vocabSize), \(c.tieEmbeddings ? "tied" : "untied") head"
        }
    }

    // MARK: Making and loading

    /// A new model of the family and shape `settings` describe (`settings.arch`), for a vocabulary
    /// of `vocabularySize` ids, its weights initialized from `settings.seed`.
    public static func make(settings: LanguageModelSettings, vocabularySize: Int, threads: Int) throws -> LanguageModel {
        if let config = settings.recurrentConfig(vocabularySize: vocabularySize) {
            let model = try RecurrentModel(config: config, threads: threads)
            model.initialize(seed: UInt64(max(settings.seed, 0)))
            return .recurrent(model)
        }
        let model = try TransformerModel(config: settings.modelConfig(vocabularySize: vocabularySize), threads: threads)
        model.initialize(seed: UInt64(max(settings.seed, 0)))
        return .transformer(model)
    }

    /// Loads the checkpoint in `directory`: a recurrent model when its `config.json` has an `arch`
    /// key (`RecurrentConfig`), the Transformer otherwise.
    public static func load(_ directory: String, threads: Int) throws -> LanguageModel {
        let dir = try Checkpoint.resolve(directory)
        let path = dir + "/config.json"
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ModelError.badCheckpoint(path: path, detail: "missing config.json")
        }
        let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        if object?["arch"] != nil {
            return .recurrent(try Checkpoint.loadRecurrentModel(directory, threads: threads))
        }
        return .transformer(try Checkpoint.loadModel(directory, threads: threads))
    }

    // MARK: Using

    /// Copies a Word2Vec `[vocab, width]` table (safetensors) into the token embedding, rescaled to
    /// the family's initialization standard deviation (`EmbeddingImport`); the
    /// width must be the model's embedding width (`dim`, or a recurrent model's embedding dim).
    /// Returns the scale applied.
    @discardableResult
    public func initializeEmbeddings(from path: String) throws -> Float {
        switch self {
        case .transformer(let m):
            return try EmbeddingImport.load(path, into: m)
        case .recurrent(let m):
            return try EmbeddingImport.load(
                path, into: m, tensor: m.layout.encoder, vocabularySize: m.config.vocabSize, width: m.config.embeddingDim,
                std: RecurrentModel.embeddingInitStd)
        }
    }

    /// Generates up to `maxTokens` tokens after `prompt` (Transformer: KV cache; recurrent: the
    /// state carried token by token), calling `onToken` for each; stops at `stopToken`.
    public func generate(
        prompt: [Int32], maxTokens: Int, temperature: Float, topK: Int, topP: Float, seed: UInt64,
        stopToken: Int32?, onToken: (Int32) -> Void = { _ in }
    ) throws -> [Int32] {
        switch self {
        case .transformer(let m):
            try Sampler(model: m).generate(
                prompt: prompt, maxTokens: maxTokens, temperature: temperature, topK: topK, topP: topP, seed: seed,
                stopToken: stopToken, onToken: onToken)
        case .recurrent(let m):
            try RecurrentSampler(model: m).generate(
                prompt: prompt, maxTokens: maxTokens, temperature: temperature, topK: topK, topP: topP, seed: seed,
                stopToken: stopToken, onToken: onToken)
        }
    }
}
