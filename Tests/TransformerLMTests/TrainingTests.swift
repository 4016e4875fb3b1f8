import CKernels
import Foundation
import NeuralCore
import TensorOps
import Testing
import TransformerLM

@Suite struct TrainingTests {
    static func tempDir(_ name: String) -> String {
        let dir = NSTemporaryDirectory() + "tessera-lm-\(getpid())-\(name)"
        try? FileManager.default.removeItem(atPath: dir)
        return dir
    }

    static let config = ModelConfig(vocabSize: 32, contextLength: 16, layers: 2, heads: 2, dim: 16, ffnDim: 32, dropout: 0.1)

    /// A learnable stream: a repeating pattern with a little noise.
    static func stream(_ n: Int, seed: UInt64) throws -> TokenStream {
        var rng = SeededGenerator(seed: seed)
        let ids: [UInt32] = (0..<n).map { i in rng.nextUniform() < 0.1 ? UInt32(rng.next() % 32) : UInt32((i * 7) % 23) }
        return try TokenStream(ids: ids, vocabularySize: 32, source: "synthetic")
    }

    static func options(steps: Int, windows: WindowSampling = .sequential) -> TrainingOptions {
        var o = TrainingOptions()
        o.batch = 4; o.steps = steps; o.learningRate = 3e-3; o.warmup = 3; o.evalBatches = 2; o.windows = windows
        return o
    }

    static func trainer(steps: Int, config: ModelConfig = config, windows: WindowSampling = .sequential) throws -> Trainer {
        let model = try TransformerModel(config: config, threads: 1)
        model.initialize(seed: 7)
        return try Trainer(
            model: model, options: options(steps: steps, windows: windows), train: try stream(4000, seed: 1),
            validation: try stream(1000, seed: 2))
    }

    @Test func trainingLowersTheLoss() throws {
        let t = try Self.trainer(steps: 100)
        let before = try #require(try t.validationLoss())
        for _ in 0..<100 { _ = try t.trainStep() }
        let after = try #require(try t.validationLoss())
        #expect(after < before * 0.5, "validation loss \(before) → \(after)")
    }

    @Test(arguments: [ModelConfig.FFN.dense, .moe], WindowSampling.allCases)
    func resumeIsBitIdentical(_ ffn: ModelConfig.FFN, _ windows: WindowSampling) throws {
        var config = Self.config
        config.ffn = ffn
        let straight = try Self.trainer(steps: 12, config: config, windows: windows)
        for _ in 0..<12 { _ = try straight.trainStep() }

        let first = try Self.trainer(steps: 12, config: config, windows: windows)
        for _ in 0..<5 { _ = try first.trainStep() }
        let dir = Self.tempDir("resume-\(ffn)-\(windows)")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Checkpoint.save(to: dir, model: first.model, trainer: first, tokenizer: Array("{}".utf8))

        let model = try Checkpoint.loadModel(dir, threads: 1)
        let resumed = try Trainer(
            model: model, options: try Checkpoint.trainingOptions(dir), train: try Self.stream(4000, seed: 1),
            validation: try Self.stream(1000, seed: 2))
        try Checkpoint.restore(resumed, from: dir)
        #expect(resumed.step == 5)
        #expect(resumed.options.windows == windows, "the checkpoint keeps the window sampling")
        for _ in 5..<12 { _ = try resumed.trainStep() }
        let a = straight.model.parameters.buffer, b = resumed.model.parameters.buffer
        #expect(a.elementsEqual(b, by: { $0.bitPattern == $1.bitPattern }), "resumed weights differ from the straight run")
    }

    @Test func interruptedSaveKeepsThePreviousCheckpoint() throws {
        let t = try Self.trainer(steps: 4)
        _ = try t.trainStep()
        let dir = Self.tempDir("interrupt")
        defer { for s in ["", ".saving", ".previous"] { try? FileManager.default.removeItem(atPath: dir + s) } }
        try Checkpoint.save(to: dir, model: t.model, trainer: t, tokenizer: [])
        // a crash between the two renames leaves only NAME.previous (plus a half-written NAME.saving)
        try FileManager.default.moveItem(atPath: dir, toPath: dir + ".previous")
        try FileManager.default.createDirectory(atPath: dir + ".saving", withIntermediateDirectories: true)
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: dir + ".saving/model.safetensors"))
        let loaded = try Checkpoint.loadModel(dir)
        #expect(loaded.parameters.buffer.elementsEqual(t.model.parameters.buffer))
        // the next save, from this recovered state, replaces it without a window where neither exists
        _ = try t.trainStep()
        try Checkpoint.save(to: dir, model: t.model, trainer: t, tokenizer: [])
        #expect(!FileManager.default.fileExists(atPath: dir + ".previous") && !FileManager.default.fileExists(atPath: dir + ".saving"))
        let again = try Checkpoint.loadModel(dir)
        #expect(again.parameters.buffer.elementsEqual(t.model.parameters.buffer))
    }

    @Test func corruptCheckpointIsAClearError() throws {
        let t = try Self.trainer(steps: 4)
        let dir = Self.tempDir("corrupt")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Checkpoint.save(to: dir, model: t.model, trainer: t, tokenizer: [])
        let path = dir + "/model.safetensors"
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: path))
        #expect {
            _ = try Checkpoint.loadModel(dir)
        } throws: { error in
            "\(error)".contains("model.safetensors") && "\(error)".contains("truncated")
        }
    }

    @Test func kvCacheMatchesFullRecompute() throws {
        for norm in ModelConfig.Norm.allCases {
            for ffn in ModelConfig.FFN.allCases {
                var config = Self.config
                config.norm = norm; config.ffn = ffn; config.positions = norm == .pre ? .learned : .sinusoidal
                let model = try TransformerModel(config: config)
                model.initialize(seed: 3)
                // larger weights so that attention is far from uniform
                tk_scale(model.parameters.pointer, 20, Int64(model.parameterCount))
                let sampler = Sampler(model: model)
                let tokens: [Int32] = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3]
                var cached: [Float] = []
                for t in tokens { cached = Array(try sampler.step(t)) }
                let full = try sampler.recomputedLogits(tokens)
                #expect(cached.count == full.count)
                let worst = zip(cached, full).map { abs($0 - $1) }.max() ?? 1
                #expect(worst < 1e-3, "\(norm) \(ffn): KV-cache logits differ by \(worst)")
            }
        }
    }

    @Test func evaluatorUsesNonOverlappingWindows() throws {
        let model = try TransformerModel(config: Self.config)
        model.initialize(seed: 5)
        let T = Self.config.contextLength
        let stream = try Self.stream(3 * T + 5, seed: 9)
        let result = try Evaluator.evaluate(model, stream: stream, batch: 2)
        #expect(result.tokens == 3 * T)
        // same thing window by window
        var total = 0.0
        var rng = SeededGenerator(seed: 0)
        for w in 0..<3 {
            let s = w * T
            total += Double(
                try model.forward(
                    inputs: Array(stream.ids[s..<(s + T)]), targets: Array(stream.ids[(s + 1)...(s + T)]),
                    batch: 1, time: T, rng: &rng))
        }
        #expect(abs(result.loss - total / 3) < 1e-5)
    }

    @Test func badInputsAreClearErrors() throws {
        #expect(throws: ModelError.invalidConfig("dim 10 is not divisible by heads 3")) {
            _ = try TransformerModel(config: ModelConfig(vocabSize: 8, contextLength: 4, layers: 1, heads: 3, dim: 10, ffnDim: 8))
        }
        #expect(throws: ModelError.tokenOutOfRange(source: "s.bin", index: 2, id: 40, vocabularySize: 32)) {
            _ = try TokenStream(ids: [1, 2, 40], vocabularySize: 32, source: "s.bin")
        }
        let model = try TransformerModel(config: Self.config)
        var rng = SeededGenerator(seed: 1)
        #expect(throws: ModelError.contextTooLong(length: 17, context: 16)) {
            try model.forward(inputs: [Int32](repeating: 1, count: 17), targets: nil, batch: 1, time: 17, rng: &rng)
        }
        #expect(throws: ModelError.shardTooShort(source: "synthetic", tokens: 20, needed: 65)) {
            _ = try Trainer(model: model, options: Self.options(steps: 1), train: try Self.stream(20, seed: 1), validation: nil)
        }
    }
}
