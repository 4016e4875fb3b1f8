import EncoderDecoder
import Foundation
import NeuralCore
import TensorOps
import Testing

/// Finite-difference gradients, learning, and bit-identical resume of the Transformer encoder–decoder.
struct TrainingTests {
    static func examples() -> [TranslationExample] {
        // A toy "translation": the target is the source reversed, shifted by one id.
        var state: UInt64 = 11
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        return (0..<64).map { _ in
            let words = (0..<(2 + next(6))).map { _ in Int32(3 + next(20)) }
            return TranslationExample(source: words + [2], target: words.reversed().map { $0 + 1 })
        }
    }

    static func config(norm: Seq2SeqConfig.Norm = .post, activation: Activation = .relu) -> Seq2SeqConfig {
        Seq2SeqConfig(
            vocabSize: 25, dim: 16, heads: 2, encoderLayers: 1, decoderLayers: 2, ffnDim: 32, maxSourceLength: 10,
            maxTargetLength: 10, norm: norm, activation: activation, padID: 0, bosID: 1, eosID: 2)
    }

    /// The loss's directional derivative along a random direction restricted to some tensors (the
    /// decoder's cross-attention; the padding-masked encoder; everything) agrees with a central
    /// finite difference, on a padded batch. GELU keeps the loss smooth (no ReLU kinks for the
    /// finite difference to straddle).
    @Test(arguments: ["encoder_attn", "encoder.layers", ""])
    func gradientsAgreeWithFiniteDifferences(filter: String) throws {
        for norm in Seq2SeqConfig.Norm.allCases {
            let model = try Seq2SeqTransformer(config: Self.config(norm: norm, activation: .gelu), seed: 5)
            let batch = TranslationBatch(Array(Self.examples().prefix(5)), padID: 0, bosID: 1, eosID: 2)
            #expect(Set(batch.sourceLengths).count > 1)
            _ = try model.forward(batch)
            model.zeroGradients()
            model.backward()
            var rng = SeededGenerator(seed: 9)
            var direction = [Float](repeating: 0, count: model.parameterCount)
            for entry in model.layout.entries where filter.isEmpty || entry.name.contains(filter) {
                for i in entry.offset..<(entry.offset + entry.count) { direction[i] = rng.nextNormal() }
            }
            var analytic = 0.0
            for i in 0..<model.parameterCount { analytic += Double(direction[i]) * Double(model.gradients.pointer[i]) }
            let original = model.parameters.array
            let epsilon: Float = 1e-3
            func loss(_ sign: Float) throws -> Double {
                for i in 0..<model.parameterCount { model.parameters.pointer[i] = original[i] + sign * epsilon * direction[i] }
                return Double(try model.forward(batch))
            }
            let numeric = (try loss(1) - loss(-1)) / Double(2 * epsilon)
            #expect(
                abs(numeric - analytic) <= 2e-2 * max(abs(analytic), 1e-2), "\(norm) \(filter): numeric \(numeric) vs analytic \(analytic)")
        }
    }

    @Test func trainingLearnsTheToyTask() throws {
        let model = try Seq2SeqTransformer(config: Self.config(), seed: 2)
        var options = Seq2SeqTrainingOptions()
        options.batchTokens = 96; options.steps = 150; options.warmup = 10; options.learningRate = 3e-3
        let examples = Self.examples()
        let trainer = try Seq2SeqTrainer(model: model, examples: examples, options: options)
        let before = try Seq2SeqTrainer.loss(of: model, examples: examples, batchTokens: 256)
        for _ in 0..<options.steps { try trainer.trainStep() }
        let after = try Seq2SeqTrainer.loss(of: model, examples: examples, batchTokens: 256)
        #expect(after < 0.5 * before, "loss \(before) → \(after)")
    }

    @Test func resumeIsBitIdentical() throws {
        var options = Seq2SeqTrainingOptions()
        options.batchTokens = 64; options.steps = 24; options.warmup = 4
        let examples = Self.examples()
        let straight = try Seq2SeqTransformer(config: Self.config(), seed: 3)
        let straightTrainer = try Seq2SeqTrainer(model: straight, examples: examples, options: options)
        #expect(straightTrainer.batchesPerEpoch < options.steps, "the run must cross an epoch boundary")
        for _ in 0..<options.steps { try straightTrainer.trainStep() }

        let directory = NSTemporaryDirectory() + "tessera-s2s-resume-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try Seq2SeqTransformer(config: Self.config(), seed: 3)
        let firstTrainer = try Seq2SeqTrainer(model: first, examples: examples, options: options)
        for _ in 0..<(options.steps / 2 + 3) { try firstTrainer.trainStep() }
        let vocabulary = try ParallelDataTests.vocabulary()
        try Seq2SeqModelDirectory.save(to: directory, model: first, tokenizer: vocabulary.tokenizer, trainer: firstTrainer)

        let resumed = try Seq2SeqTransformer(config: Self.config(), seed: 99)
        let weights = try Seq2SeqModelDirectory.loadWeights(directory, into: resumed)
        #expect(weights == resumed.parameterCount)
        let resumedTrainer = try Seq2SeqTrainer(model: resumed, examples: examples, options: options)
        try Seq2SeqModelDirectory.restore(resumedTrainer, from: directory)
        #expect(resumedTrainer.step == options.steps / 2 + 3)
        while resumedTrainer.step < options.steps { try resumedTrainer.trainStep() }
        #expect(resumed.parameters.array == straight.parameters.array)
    }

    /// The batch observer (behind `train-seq2seq --batch-log`) reports each step once, in order, with
    /// exactly the batch that step trains on: the loss of the reported examples, computed inside the
    /// observer on the not-yet-updated weights, equals the loss the step returns; and every epoch
    /// reports each example exactly once.
    @Test func batchObserverReportsTheBatchEachStepTrainsOn() throws {
        var options = Seq2SeqTrainingOptions()
        options.batchTokens = 64; options.steps = 30; options.warmup = 4
        let examples = Self.examples()
        let model = try Seq2SeqTransformer(config: Self.config(), seed: 4)
        let trainer = try Seq2SeqTrainer(model: model, examples: examples, options: options)
        #expect(2 * trainer.batchesPerEpoch < options.steps, "the run must cover two whole epochs")
        var reported: [(step: Int, indices: [Int], loss: Float)] = []
        var observerError: (any Error)?
        trainer.batchObserver = { step, indices in
            do {
                let batch = TranslationBatch(indices.map { examples[$0] }, padID: 0, bosID: 1, eosID: 2)
                reported.append((step, indices, try model.forward(batch)))
            } catch { observerError = error }
        }
        for step in 1...options.steps {
            let loss = try trainer.trainStep().loss
            #expect(observerError == nil)
            try #require(reported.count == step, "step \(step): \(reported.count) reports")
            #expect(reported[step - 1].step == step)
            #expect(reported[step - 1].loss == loss, "step \(step): observed batch loss \(reported[step - 1].loss), step loss \(loss)")
        }
        let perEpoch = trainer.batchesPerEpoch
        for epoch in 0..<2 {
            let seen = reported[(epoch * perEpoch)..<((epoch + 1) * perEpoch)].flatMap(\.indices).sorted()
            #expect(seen == Array(examples.indices), "epoch \(epoch)")
        }
    }
}
