import ArtifactIO
import EncoderDecoder
import Foundation
import NeuralCore
import TensorOps
import TestFixtures
import Testing

/// Loss and every parameter gradient of tiny recurrent encoder–decoders (rnn-attention with a
/// bidirectional LSTM and GRU encoder; rnn with a unidirectional LSTM and a bidirectional GRU) on a
/// padded batch, against the PyTorch (float64 autograd, `torch.nn.LSTM`/`GRU` with
/// `pack_padded_sequence`) reference written by `Fixtures/make_recurrent_fixtures.py`.
struct RecurrentReferenceTests {
    static let variants = ["attention_lstm_bi", "attention_gru_bi", "plain_lstm", "plain_gru_bi"]

    static func load(_ variant: String) throws -> (model: Seq2SeqRecurrent, batch: TranslationBatch, file: SafeTensors) {
        let file = try SafeTensors.read(TestFixtures.path("recurrent_\(variant).safetensors", in: "EncoderDecoderTests"))
        let configJSON = try #require(file.metadata["config"])
        let config = try JSONDecoder().decode(Seq2SeqConfig.self, from: Data(configJSON.utf8))
        let model = try Seq2SeqRecurrent(config: config)
        for entry in model.layout.entries {
            try file.copyFloats(entry.name, shape: entry.shape, into: model.parameters.pointer + entry.offset)
        }
        let sources = try file.ints("source").map(Int32.init), sourceLengths = try file.ints("source_lengths")
        let targets = try file.ints("target").map(Int32.init), targetLengths = try file.ints("target_lengths")
        try #require(sourceLengths.count == targetLengths.count)
        var examples: [TranslationExample] = []
        var s = 0, t = 0
        for (sl, tl) in zip(sourceLengths, targetLengths) {
            examples.append(TranslationExample(source: Array(sources[s..<(s + sl)]), target: Array(targets[t..<(t + tl)])))
            s += sl
            t += tl
        }
        let batch = TranslationBatch(examples, padID: config.padID, bosID: config.bosID, eosID: config.eosID)
        return (model, batch, file)
    }

    @Test(arguments: variants)
    func lossAndGradientsMatchPyTorch(variant: String) throws {
        let (model, batch, file) = try Self.load(variant)
        #expect(batch.sourceLengths != [Int](repeating: batch.sourceTime, count: batch.batch), "the batch must be padded")
        let loss = try model.forward(batch)
        let expectedLoss = try file.floats("loss")[0]
        #expect(abs(loss - expectedLoss) <= 1e-4 * abs(expectedLoss), "\(variant): loss \(loss) vs \(expectedLoss)")
        model.zeroGradients()
        model.backward()
        let names = Set(model.layout.entries.map(\.name))
        let referenceNames = Set(file.names.filter { $0.hasPrefix("grad.") }.map { String($0.dropFirst(5)) })
        #expect(names == referenceNames)
        for entry in model.layout.entries {
            let expected = try file.floats("grad." + entry.name, shape: entry.shape)
            let scale = expected.map { abs($0) }.max() ?? 0
            var worst: Float = 0
            for i in 0..<entry.count { worst = max(worst, abs(model.gradients.pointer[entry.offset + i] - expected[i])) }
            #expect(scale > 0, "\(variant) \(entry.name): reference gradient is all zero")
            #expect(worst <= 1e-4 * scale, "\(variant) \(entry.name): max |Δ| \(worst) vs max |g| \(scale)")
        }
    }

    /// The encoder never reads padding: changing what sits in padded source positions changes
    /// neither the loss nor any gradient (both directions, both archs).
    @Test(arguments: variants)
    func sourcePaddingIsNeverRead(variant: String) throws {
        let (model, batch, _) = try Self.load(variant)
        let loss = try model.forward(batch)
        model.zeroGradients()
        model.backward()
        let gradients = model.gradients.array
        var noisy = batch
        for b in 0..<batch.batch {
            for t in batch.sourceLengths[b]..<batch.sourceTime { noisy.source[b * batch.sourceTime + t] = Int32(3 + (b + t) % 10) }
        }
        #expect(noisy.source != batch.source)
        #expect(try model.forward(noisy) == loss)
        model.zeroGradients()
        model.backward()
        #expect(model.gradients.array == gradients)
    }
}
