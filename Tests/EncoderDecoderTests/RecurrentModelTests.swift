import EncoderDecoder
import Foundation
import NeuralCore
import TensorOps
import Testing

/// The recurrent encoder–decoders (`rnn-attention`, `rnn`): finite-difference gradients through
/// the attention and the padding, padded training equal to one-sentence inference, learning,
/// search, attention maps and bit-identical resume.
struct RecurrentModelTests {
    /// (arch, cell, bidirectional) combinations exercised below.
    static let shapes: [(Seq2SeqConfig.Architecture, RecurrentCell, Bool)] = [
        (.rnnAttention, .lstm, true), (.rnnAttention, .gru, true), (.rnnAttention, .lstm, false), (.rnn, .lstm, true),
        (.rnn, .gru, false),
    ]

    static func config(
        _ arch: Seq2SeqConfig.Architecture, cell: RecurrentCell = .lstm, bidirectional: Bool = true, layers: Int = 2, dim: Int = 12
    ) -> Seq2SeqConfig {
        var config = Seq2SeqConfig(
            vocabSize: 25, dim: dim, heads: 1, encoderLayers: layers, decoderLayers: layers, ffnDim: 4, maxSourceLength: 10,
            maxTargetLength: 10, padID: 0, bosID: 1, eosID: 2)
        config.architecture = arch
        config.cell = cell
        config.bidirectional = bidirectional
        return config
    }

    /// The loss's directional derivative along a random direction restricted to some tensors (the
    /// encoder, whose gradient reaches it through the attention over padded sources and through the
    /// final states; the decoder; everything) agrees with a central finite difference (loss and
    /// dot products accumulated in Double), on a padded batch.
    @Test(arguments: ["encoder.rnn", "decoder.rnn", ""])
    func gradientsAgreeWithFiniteDifferences(filter: String) throws {
        for (arch, cell, bidirectional) in Self.shapes {
            let model = try Seq2SeqRecurrent(config: Self.config(arch, cell: cell, bidirectional: bidirectional), seed: 5)
            let batch = TranslationBatch(Array(TrainingTests.examples().prefix(5)), padID: 0, bosID: 1, eosID: 2)
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
                abs(numeric - analytic) <= 2e-2 * max(abs(analytic), 1e-2),
                "\(arch) \(cell) bidirectional \(bidirectional) \(filter): numeric \(numeric) vs analytic \(analytic)")
        }
    }

    /// The padded training forward and one-sentence inference agree: the batch's summed NLL equals
    /// the sum over sentences of −log p(target, <eos>) from ``TranslationModel/nextLogProbabilities(source:prefixes:)``
    /// (so the decoder starts from each sentence's state at its last real token, and attention
    /// ignores padding, in both).
    @Test func paddedTrainingMatchesOneSentenceInference() throws {
        for (arch, cell, bidirectional) in Self.shapes {
            let model = try Seq2SeqRecurrent(config: Self.config(arch, cell: cell, bidirectional: bidirectional), seed: 8)
            let examples = Array(TrainingTests.examples().prefix(6))
            let batch = TranslationBatch(examples, padID: 0, bosID: 1, eosID: 2)
            #expect(Set(batch.sourceLengths).count > 1)
            let batchTotal = Double(try model.forward(batch, labelSmoothing: 0)) * Double(batch.labelCount)
            var total = 0.0
            for example in examples {
                let encoded = model.encode(source: example.source)
                var prefix: [Int32] = [1]
                for token in example.target + [2] {
                    total -= Double(model.nextLogProbabilities(source: encoded, prefixes: [prefix])[0][Int(token)])
                    prefix.append(token)
                }
            }
            #expect(
                abs(total - batchTotal) <= 1e-4 * abs(batchTotal),
                "\(arch) \(cell) bidirectional \(bidirectional): \(total) vs \(batchTotal)")
        }
    }

    @Test(arguments: [Seq2SeqConfig.Architecture.rnnAttention, .rnn])
    func trainingLearnsTheToyTask(arch: Seq2SeqConfig.Architecture) throws {
        let model = try Seq2SeqRecurrent(config: Self.config(arch, layers: 1, dim: 24), seed: 2)
        var options = Seq2SeqTrainingOptions()
        options.batchTokens = 96; options.steps = 150; options.warmup = 10; options.learningRate = 1e-2
        let examples = TrainingTests.examples()
        let trainer = try Seq2SeqTrainer(model: model, examples: examples, options: options)
        let before = try Seq2SeqTrainer.loss(of: model, examples: examples, batchTokens: 256)
        for _ in 0..<options.steps { try trainer.trainStep() }
        let after = try Seq2SeqTrainer.loss(of: model, examples: examples, batchTokens: 256)
        #expect(after < 0.5 * before, "\(arch): loss \(before) → \(after)")
    }

    @Test func beamOneIsExactlyGreedy() throws {
        for (arch, cell, bidirectional) in Self.shapes {
            let model = try Seq2SeqRecurrent(config: Self.config(arch, cell: cell, bidirectional: bidirectional), seed: 3)
            let greedy = try SequenceDecoder(model: model, options: DecodingOptions(beamSize: 1))
            for source in DecodingTests.sources(seed: 3, count: 8) {
                let clipped = source.map { min($0, 24) }
                let expected = greedy.greedy(source: clipped)
                #expect(greedy.beam(source: clipped) == expected, "\(arch) \(cell) source \(clipped)")
                #expect(greedy.decode(source: clipped) == expected)
            }
        }
    }

    @Test func attentionMapsAreDistributionsAndRNNHasNone() throws {
        let model = try Seq2SeqRecurrent(config: Self.config(.rnnAttention), seed: 2)
        let source: [Int32] = [5, 9, 14, 2]
        let output = try SequenceDecoder(model: model, options: DecodingOptions()).decode(source: source)
        let maps = try model.crossAttentionMaps(source: source, output: output)
        #expect(maps.count == 1 && maps[0].count == 1)
        for row in maps[0][0] {
            #expect(row.count == source.count)
            #expect(abs(row.reduce(0, +) - 1) < 1e-5)
        }
        #expect(maps[0][0].count == output.count + 1)
        let plain = try Seq2SeqRecurrent(config: Self.config(.rnn), seed: 2)
        #expect {
            try plain.crossAttentionMaps(source: source, output: [])
        } throws: { error in
            (error as? Seq2SeqError).map { "\($0)".hasPrefix("architecture rnn has no attention") } ?? false
        }
    }

    @Test func resumeIsBitIdentical() throws {
        var options = Seq2SeqTrainingOptions()
        options.batchTokens = 64; options.steps = 16; options.warmup = 4
        let examples = TrainingTests.examples()
        let config = Self.config(.rnnAttention, cell: .gru)
        let straight = try Seq2SeqRecurrent(config: config, seed: 3)
        let straightTrainer = try Seq2SeqTrainer(model: straight, examples: examples, options: options)
        for _ in 0..<options.steps { try straightTrainer.trainStep() }

        let directory = NSTemporaryDirectory() + "tessera-s2s-rnn-resume-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try Seq2SeqRecurrent(config: config, seed: 3)
        let firstTrainer = try Seq2SeqTrainer(model: first, examples: examples, options: options)
        for _ in 0..<(options.steps / 2 + 1) { try firstTrainer.trainStep() }
        let vocabulary = try ParallelDataTests.vocabulary()
        try Seq2SeqModelDirectory.save(to: directory, model: first, tokenizer: vocabulary.tokenizer, trainer: firstTrainer)

        let resumed = try Seq2SeqRecurrent(config: config, seed: 99)
        #expect(try Seq2SeqModelDirectory.loadWeights(directory, into: resumed) == resumed.parameterCount)
        let resumedTrainer = try Seq2SeqTrainer(model: resumed, examples: examples, options: options)
        try Seq2SeqModelDirectory.restore(resumedTrainer, from: directory)
        while resumedTrainer.step < options.steps { try resumedTrainer.trainStep() }
        #expect(resumed.parameters.array == straight.parameters.array)
    }

    @Test func invalidRecurrentConfigsAreErrors() throws {
        var config = Self.config(.rnn)
        config.decoderLayers = 1
        #expect(
            throws: Seq2SeqError.invalidConfig(
                "decoderLayers 1: a recurrent decoder starts from the encoder's final state of each layer, so it needs encoderLayers (2)")
        ) { try Seq2SeqRecurrent(config: config) }
        var elman = Self.config(.rnnAttention)
        elman.cell = .rnn
        #expect(throws: Seq2SeqError.invalidConfig("cell rnn: expected lstm or gru for a recurrent encoder–decoder")) {
            try Seq2SeqRecurrent(config: elman)
        }
    }
}
