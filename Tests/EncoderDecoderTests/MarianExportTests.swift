import ArtifactIO
import EncoderDecoder
import Foundation
import TestFixtures
import Testing

/// The Marian export against transformers' own `MarianMTModel`: `Fixtures/make_marian_fixtures.py`
/// loaded the post-LN/ReLU fixture model into `MarianMTModel` and recorded its state dict and its
/// logits on the fixture's padded batch.
struct MarianExportTests {
    @Test func exportedTensorsAreMarianMTModelsAndLogitsMatch() throws {
        let (model, batch, _) = try ReferenceFixtureTests.load("post_relu")
        let marian = try SafeTensors.read(TestFixtures.path("marian_post_relu.safetensors", in: "EncoderDecoderTests"))
        let exported = try MarianExport.tensors(model)
        let expectedNames = Set(marian.names.filter { $0.hasPrefix("hf.") }.map { String($0.dropFirst(3)) })
        #expect(Set(exported.map(\.name)) == expectedNames)
        #expect(exported.count == expectedNames.count, "a tensor is exported twice")
        for tensor in exported {
            let expected = try marian.floats("hf." + tensor.name, shape: tensor.shape)
            try #require(expected.count == tensor.values.count, "\(tensor.name)")
            #expect(expected == tensor.values, "\(tensor.name) differs from the MarianMTModel state dict")
        }
        // MarianMTModel's logits on the padded batch equal Tessera's.
        _ = try model.forward(batch)
        let ours = model.lastLogits
        let theirs = try marian.floats("logits", shape: [batch.batch, batch.targetTime, model.config.vocabSize])
        try #require(ours.count == theirs.count)
        let scale = theirs.map { abs($0) }.max() ?? 0
        var worst: Float = 0
        for (a, b) in zip(ours, theirs) { worst = max(worst, abs(a - b)) }
        #expect(scale > 0)
        #expect(worst <= 1e-4 * scale, "max |Δlogit| \(worst) vs max |logit| \(scale)")
    }

    @Test func writesTheDirectory() throws {
        let (model, _, _) = try ReferenceFixtureTests.load("post_relu")
        let directory = NSTemporaryDirectory() + "tessera-marian-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try MarianExport.write(model, tokenizer: nil, to: directory)
        let config = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: directory + "/config.json"))) as? [String: Any])
        #expect(config["model_type"] as? String == "marian")
        #expect(config["d_model"] as? Int == model.config.dim)
        #expect(config["decoder_start_token_id"] as? Int == Int(model.config.bosID))
        let weights = try SafeTensors.read(directory + "/model.safetensors")
        #expect(Set(weights.names) == Set(try MarianExport.tensors(model).map(\.name)))
    }

    @Test func optionsMarianCannotExpressAreErrorsNamingTheOption() throws {
        let (pre, _, _) = try ReferenceFixtureTests.load("pre_gelu")
        #expect(throws: Seq2SeqError.invalidConfig("norm pre: MarianMTModel is post-LN only (train with --norm post to export)")) {
            try MarianExport.tensors(pre)
        }
        var config = RecurrentModelTests.config(.rnnAttention)
        config.heads = 1
        #expect {
            try MarianExport.check(config)
        } throws: { error in
            "\(error)".hasPrefix("architecture rnn-attention: MarianMTModel is a Transformer")
        }
    }
}
