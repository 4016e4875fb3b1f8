import ArtifactIO
import Foundation
import MaskedLM
import TensorOps
import Testing

/// Loss, logits and every parameter gradient of a tiny BERT on a padded batch, against PyTorch +
/// transformers (float64 autograd) as written by Fixtures/make_fixtures.py: BertForMaskedLM,
/// BertForPreTraining (MLM + NSP) and BertForSequenceClassification.
@Suite struct BertReferenceTests {
    enum Head: String, CaseIterable { case mlm, pretraining, classify }

    static func reference() throws -> SafeTensors { try SafeTensors.read(TestSupport.fixture("bert_reference.safetensors")) }

    /// The fixture's Hugging Face config as a Tessera config with the heads of `head`.
    static func model(_ file: SafeTensors, head: Head) throws -> BertModel {
        let json = try #require(file.metadata["config"])
        var config = try BertHuggingFace.config(fromJSON: Data(json.utf8), source: "fixture")
        config.nextSentencePrediction = head == .pretraining
        config.classLabels = head == .classify ? ["a", "b", "c"] : []
        let model = try BertModel(config: config)
        for e in model.layout.parameters.entries {
            try file.copyFloats(e.name, shape: e.shape, into: model.parameters.pointer + e.offset)
        }
        return model
    }

    static func input(_ file: SafeTensors, head: Head) throws -> BertInput {
        let B = try #require(Int(file.metadata["batch"] ?? "")), T = try #require(Int(file.metadata["time"] ?? ""))
        let mask = try file.ints("attention_mask")
        #expect(mask.count == B * T)
        let lengths = (0..<B).map { b in (0..<T).filter { mask[b * T + $0] == 1 }.count }
        let labels = try file.ints("labels").map(Int32.init)
        return BertInput(
            batch: B, time: T, tokens: try file.ints("input_ids").map(Int32.init),
            segments: try file.ints("token_type_ids").map(Int32.init),
            lengths: lengths, maskedLabels: head == .classify ? nil : labels,
            nextSentenceLabels: head == .pretraining ? try file.ints("nsp_labels").map(Int32.init) : nil,
            classLabels: head == .classify ? try file.ints("class_labels").map(Int32.init) : nil)
    }

    @Test(arguments: Head.allCases)
    func lossAndEveryGradientMatchPyTorch(head: Head) throws {
        let file = try Self.reference()
        let model = try Self.model(file, head: head)
        let out = try model.forward(try Self.input(file, head: head))
        let expected = try file.floats("\(head.rawValue).loss")[0]
        #expect(abs(out.loss - expected) <= 1e-4 * abs(expected), "\(head) loss \(out.loss) vs \(expected)")
        model.zeroGradients()
        try model.backward()
        var compared = 0
        var globalScale: Float = 0
        for e in model.layout.parameters.entries where file.names.contains("\(head.rawValue).grad.\(e.name)") {
            globalScale = max(globalScale, try file.floats("\(head.rawValue).grad.\(e.name)").map { abs($0) }.max() ?? 0)
        }
        for e in model.layout.parameters.entries {
            let name = "\(head.rawValue).grad.\(e.name)"
            let ours = Array(UnsafeBufferPointer(start: model.gradients.pointer + e.offset, count: e.count))
            guard file.names.contains(name) else {
                // BertForSequenceClassification has no MLM head: Tessera keeps it, untouched by the class loss.
                #expect(head == .classify && e.name.hasPrefix("cls.predictions."), "\(name): no reference gradient")
                #expect(ours.allSatisfy { $0 == 0 }, "\(name): gradient without a loss that uses it")
                continue
            }
            let ref = try file.floats(name, shape: e.shape)
            #expect(ref.count == e.count)
            let scale = ref.map { abs($0) }.max() ?? 0
            var worst: Float = 0
            for i in 0..<min(e.count, ref.count) { worst = max(worst, abs(ours[i] - ref[i])) }
            if scale < 1e-12 * globalScale {
                // The key bias adds the same score to every key of a query, which softmax ignores: its
                // gradient is zero in exact arithmetic (PyTorch float64 gives ~1e-17), rounding in float32.
                #expect(e.name.hasSuffix("attention.self.key.bias"), "\(name): reference gradient is zero")
                #expect(worst <= 1e-6 * globalScale, "\(name): max |g| \(worst) where the exact gradient is 0")
            } else {
                #expect(worst <= 1e-4 * scale, "\(name): max |Δ| \(worst) vs max |g| \(scale)")
            }
            compared += 1
        }
        let expectedCount = model.layout.parameters.entries.count - (head == .classify ? 5 : 0)
        #expect(compared == expectedCount, "\(compared) of \(model.layout.parameters.entries.count) gradients compared")
    }

    @Test func logitsOnEveryPositionMatchPyTorch() throws {
        let file = try Self.reference()
        let model = try Self.model(file, head: .pretraining)
        var input = try Self.input(file, head: .pretraining)
        input.maskedLabels = nil
        input.nextSentenceLabels = nil
        try model.forward(input, rows: .all)
        let expected = try file.floats("pretraining.logits")
        let V = model.config.vocabSize, N = input.batch * input.time
        #expect(expected.count == N * V && model.maskedRows == Array(0..<N))
        let logits = try #require(model.maskedLogits)
        var worst: Float = 0, scale: Float = 0
        for (i, e) in expected.enumerated() { worst = max(worst, abs(logits[i] - e)); scale = max(scale, abs(e)) }
        #expect(worst <= 1e-4 * scale, "MLM logits: max |Δ| \(worst) vs max |x| \(scale)")
        let nsp = try file.floats("pretraining.nsp_logits"), got = try #require(model.nextSentenceLogits)
        #expect(nsp.count == input.batch * 2)
        for (i, e) in nsp.enumerated() { #expect(abs(got[i] - e) <= 1e-4 * max(1, abs(e)), "NSP logit \(i): \(got[i]) vs \(e)") }
    }
}
