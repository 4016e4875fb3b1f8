import ArtifactIO
import Foundation
import NeuralCore
import TensorOps
import TestFixtures
import Testing
import TransformerLM

/// GPT last-token sequence classification against transformers' `GPT2ForSequenceClassification`
/// (float64 autograd, written by Fixtures/make_gpt_classifier.py), and the head against finite
/// differences.
@Suite struct LastTokenClassifierTests {
    /// The fixture's classifier with its weights, and its padded batch split back into sequences.
    static func fixture() throws -> (LastTokenClassifier, SafeTensors, sequences: [[Int32]], labels: [Int32]) {
        let file = try SafeTensors.read(TestFixtures.path("gpt_classifier.safetensors", in: "TransformerLMTests"))
        let config = try JSONDecoder().decode(ModelConfig.self, from: Data(try #require(file.metadata["config"]).utf8))
        let K = try #require(Int(file.metadata["classes"] ?? ""))
        let model = try TransformerModel(config: config)
        for e in model.layout.entries { try file.copyFloats(e.name, shape: e.shape, into: model.parameters.pointer + e.offset) }
        let classifier = try LastTokenClassifier(model: model, labels: (0..<K).map { "class\($0)" })
        try file.copyFloats(LastTokenClassifier.scoreName, shape: [K, config.dim], into: classifier.score.pointer)
        let ids = try file.ints("inputs"), lengths = try file.ints("lengths")
        let labels = try file.ints("labels").map(Int32.init)
        try #require(lengths.count == labels.count && ids.count % lengths.count == 0, "fixture shapes")
        let T = ids.count / lengths.count
        let sequences = lengths.enumerated().map { b, n in ids[(b * T)..<(b * T + n)].map(Int32.init) }
        return (classifier, file, sequences, labels)
    }

    @Test func lossLogitsAndAllGradientsMatchGPT2ForSequenceClassification() throws {
        let (classifier, file, sequences, labels) = try Self.fixture()
        // The fixture's batch is padded with a real id (0), and the sequences differ in length.
        #expect(Set(sequences.map(\.count)).count == sequences.count, "sequences should differ in length: \(sequences)")
        let (loss, logits) = try classifier.forward(sequences, targets: labels)
        let expectedLoss = try file.floats("loss")[0], expectedLogits = try file.floats("logits")
        #expect(abs(loss - expectedLoss) <= 1e-4 * abs(expectedLoss), "loss \(loss) vs \(expectedLoss)")
        try #require(logits.count == expectedLogits.count)
        for (i, (a, b)) in zip(logits, expectedLogits).enumerated() {
            #expect(abs(a - b) <= 1e-4 * max(abs(b), 1e-2), "logit \(i): \(a) vs \(b)")
        }
        classifier.zeroGradients()
        try classifier.backward()
        let model = classifier.model
        var checked: [(String, UnsafeMutablePointer<Float>, [Int])] = model.layout.entries.map {
            ($0.name, model.gradients.pointer + $0.offset, $0.shape)
        }
        checked.append((LastTokenClassifier.scoreName, classifier.scoreGradient.pointer, [classifier.labels.count, model.config.dim]))
        for (name, gradient, shape) in checked {
            let expected = try file.floats("grad." + name, shape: shape)
            let scale = expected.map { abs($0) }.max() ?? 0
            var worst: Float = 0
            for i in 0..<expected.count { worst = max(worst, abs(gradient[i] - expected[i])) }
            #expect(scale > 0, "\(name): reference gradient is all zero")
            #expect(worst <= 1e-4 * scale, "\(name): max |Δ| \(worst) vs max |g| \(scale)")
        }
    }

    @Test func paddingDoesNotChangeASequencesLogits() throws {
        let (classifier, _, sequences, _) = try Self.fixture()
        let together = try classifier.forward(sequences, targets: nil).logits
        let K = classifier.labels.count
        for (b, s) in sequences.enumerated() {
            let alone = try classifier.forward([s], targets: nil).logits
            for j in 0..<K {
                #expect(abs(alone[j] - together[b * K + j]) <= 1e-5 * max(abs(alone[j]), 1), "sequence \(b), class \(j)")
            }
        }
    }

    @Test func scoreHeadGradientMatchesFiniteDifferences() throws {
        let (classifier, _, sequences, labels) = try Self.fixture()
        classifier.zeroGradients()
        try classifier.forward(sequences, targets: labels)
        try classifier.backward()
        let analytic = Array(UnsafeBufferPointer(start: classifier.scoreGradient.pointer, count: classifier.score.count))
        let eps: Float = 1e-2
        for i in 0..<classifier.score.count {
            let saved = classifier.score.pointer[i]
            classifier.score.pointer[i] = saved + eps
            let up = try classifier.forward(sequences, targets: labels).loss
            classifier.score.pointer[i] = saved - eps
            let down = try classifier.forward(sequences, targets: labels).loss
            classifier.score.pointer[i] = saved
            let numeric = (up - down) / (2 * eps)
            #expect(abs(numeric - analytic[i]) <= 2e-3 + 1e-2 * abs(analytic[i]), "score[\(i)]: numeric \(numeric) vs analytic \(analytic[i])")
        }
    }

    @Test func savedAndLoadedClassifierPredictsTheSame() throws {
        let (classifier, _, sequences, _) = try Self.fixture()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cls-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try classifier.save(to: dir, tokenizer: Array("{}".utf8))
        #expect(LastTokenClassifier.isClassifier(dir))
        let back = try LastTokenClassifier.load(dir)
        #expect(back.labels == classifier.labels)
        let a = try classifier.predict(sequences), b = try back.predict(sequences)
        try #require(a.count == b.count)
        for (x, y) in zip(a, b) { #expect(x.label == y.label && x.probabilities == y.probabilities) }
    }

    @Test func anEmptySequenceOrOneLongerThanTheContextIsAnError() throws {
        let (classifier, _, sequences, _) = try Self.fixture()
        #expect { try classifier.forward([sequences[0], []], targets: nil) } throws: { "\($0)".contains("sequence 1 is empty") }
        let long = [Int32](repeating: 1, count: classifier.model.config.contextLength + 1)
        #expect { try classifier.forward([long], targets: nil) } throws: { ($0 as? ModelError).map { "\($0)".contains("\(long.count)") } ?? false }
    }
    /// The GPT2ForSequenceClassification export holds exactly the tensors transformers' own model
    /// holds for these weights (the fixture's `hf.*`, its `state_dict()`), and a config with the
    /// labels and the pad id.
    @Test func exportMatchesTransformersStateDictAndConfig() throws {
        let (classifier, file, _, _) = try Self.fixture()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cls-hf-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try HFExport.writeSequenceClassifier(classifier, to: dir, padTokenID: 0)
        let exported = try SafeTensors.read(dir + "/model.safetensors")
        let reference = file.tensors.keys.filter { $0.hasPrefix("hf.") }
        try #require(reference.count > 10, "fixture has no hf.* tensors: regenerate it with make_gpt_classifier.py")
        #expect(Set(exported.tensors.keys) == Set(reference.map { String($0.dropFirst(3)) }))
        for name in reference {
            let theirs = try file.floats(name), key = String(name.dropFirst(3))
            #expect(exported.tensors[key]?.shape == file.tensors[name]?.shape, "\(key) shape")
            let ours = try exported.floats(key)
            try #require(ours.count == theirs.count, "\(key): \(ours.count) vs \(theirs.count) values")
            #expect(ours == theirs, "\(key) differs")
        }
        let config = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/config.json"))) as? [String: Any])
        #expect(config["architectures"] as? [String] == ["GPT2ForSequenceClassification"])
        #expect(config["num_labels"] as? Int == 3 && config["pad_token_id"] as? Int == 0)
        #expect(config["id2label"] as? [String: String] == ["0": "class0", "1": "class1", "2": "class2"])
        #expect(config["label2id"] as? [String: Int] == ["class0": 0, "class1": 1, "class2": 2])
    }

    /// With sinusoidal positions the export divides the final layer norm by √dim, so the score head
    /// is multiplied by √dim: their product, the logit function, is unchanged.
    @Test func sinusoidalExportScalesScoreHeadAgainstFinalNorm() throws {
        var config = ExportAndImportTests.config
        config.positions = .sinusoidal
        let model = try TransformerModel(config: config)
        model.initialize(seed: 5)
        let classifier = try LastTokenClassifier(model: model, labels: ["a", "b"])
        classifier.initializeHead(seed: 6)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cls-hf-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try HFExport.writeSequenceClassifier(classifier, to: dir, padTokenID: nil)
        let exported = try SafeTensors.read(dir + "/model.safetensors")
        let score = try exported.floats(LastTokenClassifier.scoreName), lnf = try exported.floats("transformer.ln_f.weight")
        let lnfw = try #require(model.layout.lnfw)
        let C = config.dim
        try #require(score.count == 2 * C && lnf.count == C)
        for k in 0..<2 {
            for c in 0..<C {
                let original = classifier.score.pointer[k * C + c] * model.parameters.pointer[lnfw + c]
                #expect(abs(score[k * C + c] * lnf[c] - original) <= 1e-6 * max(1, abs(original)), "score[\(k), \(c)]")
            }
        }
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/config.json"))) as? [String: Any]
        #expect(json?["pad_token_id"] == nil)
    }
}
