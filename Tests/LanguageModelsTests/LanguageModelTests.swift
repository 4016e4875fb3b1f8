import ArtifactIO
import Foundation
import LanguageModels
import NeuralCore
import RecurrentLM
import TestFixtures
import Testing
import TransformerLM

/// One value for either family: made from the settings' `arch`, loaded back from a checkpoint,
/// sampled with the family's own sampler, its embedding initialized from a Word2Vec table.
@Suite struct LanguageModelTests {
    /// Tiny settings of `arch` (a recurrent model of 2 layers of 12 units; a Transformer of dim 8).
    static func settings(_ arch: LanguageModelArchitecture) -> LanguageModelSettings {
        var s = LanguageModelSettings()
        s.arch = arch
        s.context = 8
        if arch == .transformer {
            s.layers = 1; s.heads = 2; s.dim = 8; s.ffnDim = 16
        } else {
            s.layers = 2; s.hidden = 12
        }
        return s
    }

    static func temporaryDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("tessera-lm-\(UUID().uuidString)").path
    }

    @Test(arguments: LanguageModelArchitecture.allCases)
    func makeBuildsTheFamilyTheSettingsName(arch: LanguageModelArchitecture) throws {
        let settings = Self.settings(arch)
        let model = try LanguageModel.make(settings: settings, vocabularySize: 50, threads: 1)
        #expect(model.arch == arch && model.vocabularySize == 50)
        switch model {
        case .transformer(let m):
            #expect(arch == .transformer && m.config == settings.modelConfig(vocabularySize: 50))
        case .recurrent(let m):
            #expect(m.config == settings.recurrentConfig(vocabularySize: 50))
            #expect(m.config.hiddenSize == 12 && m.config.layers == 2 && m.config.embeddingDim == 12)
        }
        // Initialized from the seed: two models of the same settings have the same weights, not zeros.
        let again = try LanguageModel.make(settings: settings, vocabularySize: 50, threads: 1)
        let a = Array(UnsafeBufferPointer(start: model.trainable.parameters.pointer, count: model.trainable.parameterCount))
        let b = Array(UnsafeBufferPointer(start: again.trainable.parameters.pointer, count: again.trainable.parameterCount))
        #expect(a == b && a.contains { $0 != 0 })
    }

    @Test(arguments: LanguageModelArchitecture.allCases)
    func aCheckpointLoadsBackAsTheSameFamilyAndSamplesAlike(arch: LanguageModelArchitecture) throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let model = try LanguageModel.make(settings: Self.settings(arch), vocabularySize: 50, threads: 1)
        try Checkpoint.save(to: directory, model: model.trainable, trainer: nil, tokenizer: Array("{}".utf8))
        let loaded = try LanguageModel.load(directory, threads: 1)
        #expect(loaded.arch == arch && loaded.summary == model.summary)
        let n = model.trainable.parameterCount
        #expect(loaded.trainable.parameterCount == n)
        #expect(
            Array(UnsafeBufferPointer(start: loaded.trainable.parameters.pointer, count: n))
                == Array(UnsafeBufferPointer(start: model.trainable.parameters.pointer, count: n)))
        let options = (prompt: [Int32]([3, 7, 1]), maxTokens: 12, temperature: Float(1), topK: 0, topP: Float(1), seed: UInt64(5))
        let mine = try model.generate(
            prompt: options.prompt, maxTokens: options.maxTokens, temperature: options.temperature, topK: options.topK,
            topP: options.topP, seed: options.seed, stopToken: nil)
        let theirs = try loaded.generate(
            prompt: options.prompt, maxTokens: options.maxTokens, temperature: options.temperature, topK: options.topK,
            topP: options.topP, seed: options.seed, stopToken: nil)
        #expect(mine.count == 12 && mine == theirs, "\(mine) vs \(theirs)")
        // The family's own sampler draws the same tokens.
        let direct: [Int32]
        switch model {
        case .transformer(let m):
            direct = try Sampler(model: m).generate(
                prompt: options.prompt, maxTokens: 12, temperature: 1, topK: 0, topP: 1, seed: 5, stopToken: nil, onToken: { _ in })
        case .recurrent(let m):
            direct = try RecurrentSampler(model: m).generate(
                prompt: options.prompt, maxTokens: 12, temperature: 1, topK: 0, topP: 1, seed: 5, stopToken: nil, onToken: { _ in })
        }
        #expect(direct == mine)
    }

    /// A Word2Vec table lands in the token embedding (`encoder.weight` of a recurrent model, `wte`
    /// of the Transformer), rescaled to the family's initialization std; a table of another width
    /// is an error naming the widths.
    @Test(arguments: LanguageModelArchitecture.allCases)
    func word2VecInitializesTheEmbeddingOfEitherFamily(arch: LanguageModelArchitecture) throws {
        let directory = Self.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let settings = Self.settings(arch)
        let model = try LanguageModel.make(settings: settings, vocabularySize: 50, threads: 1)
        let width = settings.embeddingWidth
        let seed: UInt64 = 13
        var rng = SeededRandom(seed: seed)
        let table = (0..<(50 * width)).map { _ in Float.random(in: -1..<1, using: &rng) }
        var file = SafeTensors()
        file.add("embeddings", shape: [50, width], floats: table)
        try file.write(to: directory + "/w2v.safetensors")
        let scale = try model.initializeEmbeddings(from: directory + "/w2v.safetensors")

        let name = arch == .transformer ? "wte" : "encoder.weight"
        let entry = try #require(model.trainable.parameterLayout.entries.first { $0.name == name })
        #expect(entry.shape == [50, width])
        let copied = Array(UnsafeBufferPointer(start: model.trainable.parameters.pointer + entry.offset, count: entry.count))
        #expect(copied.count == table.count)
        for (k, (c, t)) in zip(copied, table).enumerated() where c != t * scale {
            Issue.record("seed \(seed): element \(k): \(c) != \(t) × \(scale)")
            break
        }
        let mean = copied.reduce(0.0) { $0 + Double($1) } / Double(copied.count)
        let std = (copied.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(copied.count)).squareRoot()
        let expected: Double =
            arch == .transformer ? Double(settings.modelConfig(vocabularySize: 50).embeddingInitStd) : 0.1 / 3.0.squareRoot()
        #expect(abs(std - expected) < 1e-5 * expected, "seed \(seed): std \(std), expected \(expected)")

        var narrow = SafeTensors()
        narrow.add("embeddings", shape: [50, width + 1], floats: [Float](repeating: 1, count: 50 * (width + 1)))
        try narrow.write(to: directory + "/narrow.safetensors")
        let error = #expect(throws: ModelError.self) { try model.initializeEmbeddings(from: directory + "/narrow.safetensors") }
        #expect("\(String(describing: error))".contains("dimension \(width + 1) but the model's dim is \(width)"))
    }
}
