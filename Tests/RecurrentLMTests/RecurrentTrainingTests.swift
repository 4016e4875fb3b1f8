import Foundation
import NeuralCore
import RecurrentLM
import TensorOps
import Testing

@Suite struct RecurrentTrainingTests {
    static func tempDir(_ name: String) -> String {
        let dir = NSTemporaryDirectory() + "tessera-rnn-\(getpid())-\(name)"
        try? FileManager.default.removeItem(atPath: dir)
        return dir
    }

    static func config(_ arch: RecurrentCell, dropout: Float = 0.1, carryState: Bool = false) -> RecurrentConfig {
        RecurrentConfig(
            arch: arch, vocabSize: 32, contextLength: 12, embeddingDim: 16, hiddenSize: 16, layers: 2, dropout: dropout,
            carryState: carryState)
    }

    /// A learnable stream: a repeating pattern with a little noise.
    static func stream(_ n: Int, seed: UInt64) throws -> TokenStream {
        var rng = SeededGenerator(seed: seed)
        let ids: [UInt32] = (0..<n).map { i in rng.nextUniform() < 0.1 ? UInt32(rng.next() % 32) : UInt32((i * 7) % 23) }
        return try TokenStream(ids: ids, vocabularySize: 32, source: "synthetic")
    }

    static func options(steps: Int) -> TrainingOptions {
        var o = TrainingOptions()
        o.batch = 4; o.steps = steps; o.learningRate = 3e-2; o.warmup = 3; o.evalBatches = 2
        return o
    }

    static func trainer(_ arch: RecurrentCell, steps: Int, carryState: Bool = false) throws -> Trainer {
        let model = try RecurrentModel(config: config(arch, carryState: carryState), threads: 1)
        model.initialize(seed: 7)
        return try Trainer(
            model: model, options: options(steps: steps), train: try stream(4000, seed: 1), validation: try stream(1000, seed: 2))
    }

    @Test(arguments: RecurrentCell.allCases)
    func trainingLowersTheLoss(arch: RecurrentCell) throws {
        let t = try Self.trainer(arch, steps: 150)
        let before = try #require(try t.validationLoss())
        for _ in 0..<150 { _ = try t.trainStep() }
        let after = try #require(try t.validationLoss())
        #expect(after < before * 0.6, "\(arch): validation loss \(before) → \(after)")
    }

    @Test(arguments: RecurrentCell.allCases, [false, true])
    func resumeIsBitIdentical(arch: RecurrentCell, carryState: Bool) throws {
        let straight = try Self.trainer(arch, steps: 10, carryState: carryState)
        for _ in 0..<10 { _ = try straight.trainStep() }

        let first = try Self.trainer(arch, steps: 10, carryState: carryState)
        for _ in 0..<4 { _ = try first.trainStep() }
        let dir = Self.tempDir("resume-\(arch)-\(carryState)")
        #expect(first.model.carriedState().isEmpty == !carryState, "\(arch): carried state present = \(carryState)")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Checkpoint.save(to: dir, model: first.model, trainer: first, tokenizer: Array("{}".utf8))

        let model = try Checkpoint.loadRecurrentModel(dir, threads: 1)
        #expect(model.config == Self.config(arch, carryState: carryState))
        let resumed = try Trainer(
            model: model, options: Self.options(steps: 10), train: try Self.stream(4000, seed: 1),
            validation: try Self.stream(1000, seed: 2))
        try Checkpoint.restore(resumed, from: dir)
        #expect(resumed.step == 4)
        for _ in 4..<10 { _ = try resumed.trainStep() }
        let a = straight.model.parameters.buffer, b = resumed.model.parameters.buffer
        #expect(
            a.elementsEqual(b, by: { $0.bitPattern == $1.bitPattern }),
            "\(arch) carry \(carryState): resumed weights differ from the straight run")
    }

    @Test func laneBatchesContinueEachRow() throws {
        let stream = try TokenStream(ids: (0..<1000).map { UInt32($0) }, vocabularySize: 1000, source: "counting")
        let B = 4, T = 10, lane = 999 / B
        var position = 0
        var previous: [Int32]? = nil
        for window in 0..<(lane / T + 2) {
            let batch = stream.laneBatch(at: position, batch: B, time: T)
            #expect(batch.inputs.count == B * T && batch.targets.count == B * T)
            for b in 0..<B {
                #expect(batch.targets[b * T + T - 1] == batch.inputs[b * T + T - 1] + 1)
                if let previous, position != 0 {
                    #expect(batch.inputs[b * T] == previous[b * T + T - 1] + 1, "window \(window) row \(b) does not continue")
                } else {
                    #expect(batch.inputs[b * T] == Int32(b * lane), "window \(window) row \(b) does not start its lane")
                }
            }
            previous = batch.inputs
            position = batch.next
        }
    }

    @Test func carriedStateChangesTheNextWindow() throws {
        // The same weights (learning rate 0) and the same second batch give a different loss when the
        // first window's state is carried than when it is forgotten.
        var losses: [Float] = []
        for forget in [false, true] {
            let t = try Self.trainer(.lstm, steps: 2, carryState: true)
            t.options.learningRate = 0
            _ = try t.trainStep()
            if forget { t.model.resetState() }
            losses.append(try t.trainStep().loss)
        }
        #expect(losses.count == 2 && losses[0] != losses[1], "losses \(losses)")
    }

    @Test(arguments: RecurrentCell.allCases)
    func samplerStepsGiveTheForwardLogits(arch: RecurrentCell) throws {
        var config = Self.config(arch, dropout: 0)
        config.embeddingDim = 12
        config.projection = true
        let model = try RecurrentModel(config: config)
        model.initialize(seed: 3)
        let tokens: [Int32] = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3]
        var rng = SeededGenerator(seed: 0)
        try model.forward(inputs: tokens, targets: nil, batch: 1, time: tokens.count, rng: &rng)
        let V = config.vocabSize
        let full = Array(UnsafeBufferPointer(start: try #require(model.logits), count: tokens.count * V))
        let sampler = RecurrentSampler(model: model)
        var stepped: [Float] = []
        for t in tokens { stepped += Array(try sampler.step(t)) }
        #expect(stepped.count == full.count)
        let worst = zip(stepped, full).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst < 1e-5, "\(arch): stepped logits differ from the window's by \(worst)")
    }

    @Test func badConfigsAreClearErrors() {
        var c = Self.config(.lstm)
        c.hiddenSize = 0
        #expect(throws: ModelError.invalidConfig("hidden size 0 must be at least 1")) { try c.validate() }
        c = Self.config(.gru)
        c.layers = 0
        #expect(throws: ModelError.invalidConfig("layers 0 must be at least 1")) { try c.validate() }
        c = Self.config(.rnn)
        c.embeddingDim = 8
        #expect(throws: ModelError.self, "tied embeddings with embedding dim ≠ hidden and no projection") { try c.validate() }
        c.projection = true
        #expect(throws: Never.self) { try c.validate() }
    }
}
