import ArtifactIO
import Foundation
import MaskedLM
import TensorOps
import Testing

/// Import of a directory written by transformers' `save_pretrained`, export back, and the options
/// BERT cannot express.
@Suite struct BertHuggingFaceTests {
    static func temporaryDirectory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tessera-bert-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func importedTransformersModelGivesTheReferenceLogits() throws {
        let model = try BertHuggingFace.load(directory: TestSupport.fixture("bert_tiny"))
        #expect(!model.config.nextSentencePrediction && model.config.classLabels.isEmpty && model.config.activation == .gelu)
        let file = try BertReferenceTests.reference()
        var input = try BertReferenceTests.input(file, head: .mlm)
        input.maskedLabels = nil
        try model.forward(input, rows: .all)
        let expected = try file.floats("mlm.logits")
        let V = model.config.vocabSize
        #expect(expected.count == input.batch * input.time * V)
        let logits = try #require(model.maskedLogits)
        var worst: Float = 0, scale: Float = 0
        for (i, e) in expected.enumerated() { worst = max(worst, abs(logits[i] - e)); scale = max(scale, abs(e)) }
        #expect(worst <= 1e-4 * scale, "max |Δ| \(worst) vs max |logit| \(scale)")
    }

    @Test func exportThenImportGivesIdenticalWeights() throws {
        let file = try BertReferenceTests.reference()
        for head in BertReferenceTests.Head.allCases {
            let model = try BertReferenceTests.model(file, head: head)
            let dir = try Self.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            try BertHuggingFace.export(model, padTokenID: 0, to: dir)
            let back = try BertHuggingFace.load(directory: dir)
            #expect(back.config.nextSentencePrediction == model.config.nextSentencePrediction)
            #expect(back.config.classLabels == model.config.classLabels)
            #expect(back.parameterCount == model.parameterCount)
            let same = (0..<min(back.parameterCount, model.parameterCount)).allSatisfy {
                back.parameters.pointer[$0] == model.parameters.pointer[$0]
            }
            #expect(same, "\(head): weights differ after export and import")
            let config = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/config.json"))) as? [String: Any])
            let expected =
                head == .classify ? "BertForSequenceClassification" : head == .pretraining ? "BertForPreTraining" : "BertForMaskedLM"
            #expect(config["architectures"] as? [String] == [expected])
        }
    }

    @Test func optionsBERTCannotExpressAreRefused() throws {
        let model = try BertModel(config: BertConfig(vocabSize: 10, maxPositions: 8, layers: 1, heads: 1, dim: 4, ffnDim: 8, norm: .pre))
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: MaskedLMError.self) { try BertHuggingFace.export(model, padTokenID: 0, to: dir) }
        let relative = Data(
            #"{"model_type": "bert", "vocab_size": 10, "hidden_size": 4, "num_hidden_layers": 1, "num_attention_heads": 1, "intermediate_size": 8, "max_position_embeddings": 8, "position_embedding_type": "relative_key"}"#
                .utf8)
        #expect(
            throws: MaskedLMError.invalidOption("c.json: position_embedding_type \"relative_key\" is not supported (only \"absolute\")")
        ) {
            _ = try BertHuggingFace.config(fromJSON: relative, source: "c.json")
        }
        let silu = Data(
            #"{"model_type": "bert", "vocab_size": 10, "hidden_size": 4, "num_hidden_layers": 1, "num_attention_heads": 1, "intermediate_size": 8, "max_position_embeddings": 8, "hidden_act": "silu"}"#
                .utf8)
        #expect(throws: MaskedLMError.self) { _ = try BertHuggingFace.config(fromJSON: silu, source: "c.json") }
    }
}
