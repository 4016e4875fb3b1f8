import ArtifactIO
import Foundation
import NeuralCore
import TensorOps

/// GPT-1-style supervised fine-tuning of a ``TransformerModel`` for sequence classification: a
/// linear score head without bias on the final hidden state of each sequence's last real token —
/// the semantics of Hugging Face's `GPT2ForSequenceClassification`.
///
/// A batch is right-padded to its longest sequence. Causal attention lets no padding reach a real
/// token, so the last real token's state is that of the unpadded sequence; its index comes from the
/// sequence's length (transformers finds the same index as the last token that is not
/// `pad_token_id`, which agrees whenever the pad id does not occur inside a text). The loss is the
/// mean cross-entropy over the batch; the gradient flows into the score head and through the whole
/// Transformer (``TransformerModel/backward(finalHiddenGradient:)``).
///
/// ```swift
/// let classifier = try LastTokenClassifier(model: gpt, labels: ["cat", "dog"])
/// classifier.initializeHead(seed: 1)
/// try classifier.train(examples, options: options) { step, loss in print(step, loss) }
/// let predictions = try classifier.predict([[5, 9, 2]])
/// ```
public final class LastTokenClassifier {
    /// The Transformer (pretrained by `train-lm`, or random for a from-scratch baseline).
    public let model: TransformerModel
    /// Class names; class `k` is `labels[k]`.
    public let labels: [String]
    /// The score head `[classes, dim]` (`score.weight`), no bias.
    public let score: FloatBuffer
    /// Its gradient.
    public let scoreGradient: FloatBuffer
    /// Tensor name of the head in `model.safetensors`.
    public static let scoreName = "score.weight"
    /// The file that marks a run directory as a last-token classifier and holds its labels.
    public static let classifierFile = "classifier.json"

    /// Saved by the last forward for ``backward()``.
    private var pooled: [Float] = [], probabilities: [Float] = [], targets: [Int32]?, rows: [Int] = [], batchShape = (0, 0)
    private var rng = SeededGenerator(seed: 0)

    /// Wraps `model` with a zero score head for `labels` (at least two, distinct).
    public init(model: TransformerModel, labels: [String]) throws {
        guard labels.count >= 2, Set(labels).count == labels.count else {
            throw ModelError.invalidConfig("a classifier needs at least two distinct labels, got \(labels)")
        }
        self.model = model
        self.labels = labels
        score = FloatBuffer(count: labels.count * model.config.dim)
        scoreGradient = FloatBuffer(count: labels.count * model.config.dim)
    }

    /// Draws the score head from N(0, 0.02) (transformers' `initializer_range`).
    public func initializeHead(seed: UInt64) {
        var g = SeededGenerator(seed: seed)
        g.fillNormal(score.pointer, count: score.count, std: 0.02)
    }

    /// The parameter layout of the head (for AdamW: a matrix, so it decays).
    var headLayout: ParameterLayout {
        var layout = ParameterLayout()
        _ = layout.add(Self.scoreName, [labels.count, model.config.dim])
        return layout
    }

    /// A right-padded `[B, T]` batch of `sequences` (each 1…context ids); `padID` fills the rest.
    static func batch(_ sequences: [[Int32]], context: Int, padID: Int32 = 0) throws -> (ids: [Int32], time: Int) {
        let T = sequences.map(\.count).max() ?? 0
        if let i = sequences.firstIndex(where: { $0.isEmpty }) {
            throw ModelError.invalidConfig("sequence \(i) is empty: a classifier needs at least one token")
        }
        guard T <= context else { throw ModelError.contextTooLong(length: T, context: context) }
        var ids = [Int32](repeating: padID, count: sequences.count * T)
        for (b, s) in sequences.enumerated() { for (t, id) in s.enumerated() { ids[b * T + t] = id } }
        return (ids, T)
    }

    /// Class logits `[B, K]` of `sequences`; with `targets` (class indices) also the mean
    /// cross-entropy, kept for ``backward()``. `training` turns on the model's dropout.
    @discardableResult
    public func forward(_ sequences: [[Int32]], targets: [Int32]?, training: Bool = false) throws -> (loss: Float, logits: [Float]) {
        let B = sequences.count, C = model.config.dim, K = labels.count
        if let targets {
            guard targets.count == B else { throw ModelError.invalidConfig("expected \(B) targets, got \(targets.count)") }
            if let bad = targets.first(where: { $0 < 0 || Int($0) >= K }) {
                throw ModelError.invalidConfig("target \(bad) is not a class index below \(K)")
            }
        }
        let (ids, T) = try Self.batch(sequences, context: model.config.contextLength)
        let hidden = try model.forwardHidden(inputs: ids, batch: B, time: T, training: training, rng: &rng)
        rows = sequences.enumerated().map { $0.offset * T + $0.element.count - 1 }
        pooled = [Float](repeating: 0, count: B * C)
        for (b, r) in rows.enumerated() { for k in 0..<C { pooled[b * C + k] = hidden[r * C + k] } }
        var logits = [Float](repeating: 0, count: B * K)
        for b in 0..<B {
            for j in 0..<K {
                var s: Float = 0
                for k in 0..<C { s += pooled[b * C + k] * score.pointer[j * C + k] }
                logits[b * K + j] = s
            }
        }
        batchShape = (B, T)
        self.targets = targets
        guard let targets else { return (.nan, logits) }
        probabilities = logits
        var loss: Double = 0
        for b in 0..<B {
            let row = b * K
            let m = (0..<K).map { logits[row + $0] }.max() ?? 0
            var sum: Double = 0
            for j in 0..<K { sum += exp(Double(logits[row + j] - m)) }
            for j in 0..<K { probabilities[row + j] = Float(exp(Double(logits[row + j] - m)) / sum) }
            loss += log(sum) + Double(m) - Double(logits[row + Int(targets[b])])
        }
        return (Float(loss / Double(B)), logits)
    }

    /// Accumulates into ``scoreGradient`` and the model's gradients the gradient of the last
    /// forward's loss. Call ``zeroGradients()`` first.
    public func backward() throws {
        guard let targets else { throw ModelError.invalidConfig("backward() needs a forward with targets") }
        let (B, T) = batchShape, C = model.config.dim, K = labels.count
        var dHidden = [Float](repeating: 0, count: B * T * C)
        for b in 0..<B {
            for j in 0..<K {
                let d = (probabilities[b * K + j] - (Int(targets[b]) == j ? 1 : 0)) / Float(B)
                for k in 0..<C {
                    scoreGradient.pointer[j * C + k] += d * pooled[b * C + k]
                    dHidden[rows[b] * C + k] += d * score.pointer[j * C + k]
                }
            }
        }
        dHidden.withUnsafeBufferPointer { model.backward(finalHiddenGradient: $0.baseAddress!) }
    }

    /// Zeroes the model's and the head's gradients.
    public func zeroGradients() {
        model.zeroGradients()
        scoreGradient.zero()
    }

    /// Class index and probabilities of each sequence, in batches of `batchSize`.
    public func predict(_ sequences: [[Int32]], batchSize: Int = 32) throws -> [(label: Int, probabilities: [Double])] {
        let K = labels.count
        var out: [(label: Int, probabilities: [Double])] = []
        var start = 0
        while start < sequences.count {
            let chunk = Array(sequences[start..<min(start + max(batchSize, 1), sequences.count)])
            let logits = try forward(chunk, targets: nil).logits
            logits.withUnsafeBufferPointer {
                guard let base = $0.baseAddress else { return }
                out += ClassDistribution.rows(base, rows: chunk.count, classes: K)
            }
            start += chunk.count
        }
        return out
    }

    /// Trains on `examples` (id sequences, class indices) for `options.steps` steps of
    /// `options.batch` examples in a seeded random order per epoch (AdamW on the model and the
    /// head, one global gradient-norm clip, the warm-up/cosine schedule); `progress` gets the step
    /// and its loss.
    public func train(_ examples: [(ids: [Int32], label: Int32)], options: TrainingOptions, progress: (Int, Float) throws -> Void) throws {
        if examples.isEmpty { throw ModelError.invalidConfig("no training examples") }
        let modelOptimizer = AdamW(
            count: model.parameterCount, beta1: options.beta1, beta2: options.beta2, weightDecay: options.weightDecay)
        let headOptimizer = AdamW(count: score.count, beta1: options.beta1, beta2: options.beta2, weightDecay: options.weightDecay)
        var order = SeededGenerator(seed: options.seed)
        rng = SeededGenerator(seed: options.seed &+ 1)
        var permutation: [Int] = [], cursor = 0
        for step in 0..<options.steps {
            var chosen: [(ids: [Int32], label: Int32)] = []
            while chosen.count < min(options.batch, examples.count) {
                if cursor == permutation.count {
                    permutation = Array(examples.indices)
                    for i in stride(from: permutation.count - 1, to: 0, by: -1) {
                        permutation.swapAt(i, Int(order.next() % UInt64(i + 1)))
                    }
                    cursor = 0
                }
                chosen.append(examples[permutation[cursor]])
                cursor += 1
            }
            zeroGradients()
            let loss = try forward(chosen.map(\.ids), targets: chosen.map(\.label), training: true).loss
            try backward()
            let a = GradientClipping.norm(model.gradients), h = GradientClipping.norm(scoreGradient)
            let norm = (a * a + h * h).squareRoot()
            if options.clip > 0 && norm > options.clip {
                let s = options.clip / norm
                for i in 0..<model.gradients.count { model.gradients.pointer[i] *= s }
                for i in 0..<scoreGradient.count { scoreGradient.pointer[i] *= s }
            }
            let lr = options.schedule.rate(at: step)
            modelOptimizer.update(
                parameters: model.parameters, gradients: model.gradients, layout: model.parameterLayout, lr: lr, threads: model.threads)
            headOptimizer.update(parameters: score, gradients: scoreGradient, layout: headLayout, lr: lr, threads: model.threads)
            try progress(step + 1, loss)
        }
    }

    // MARK: Saving and loading

    /// What `classifier.json` holds.
    struct Description: Codable {
        var head = "last-token"
        var labels: [String]
    }

    /// Whether `directory` (or its `.previous` copy) holds a last-token classifier.
    public static func isClassifier(_ directory: String) -> Bool {
        guard let dir = try? Checkpoint.resolve(directory) else { return false }
        return FileManager.default.fileExists(atPath: dir + "/" + classifierFile)
    }

    /// Writes a run directory (`config.json`, `model.safetensors` with the Transformer's tensors and
    /// `score.weight`, `classifier.json` with the labels, `tokenizer.json`) atomically: staged
    /// beside `directory` and swapped into place as a checkpoint is.
    public func save(to directory: String, tokenizer: [UInt8]) throws {
        let fm = FileManager.default
        let staging = directory + ".saving"
        try? fm.removeItem(atPath: staging)
        try fm.createDirectory(atPath: staging, withIntermediateDirectories: true)
        try Data(Checkpoint.runMarker.utf8).write(to: URL(fileURLWithPath: staging + "/.tessera-run"))
        try model.configurationJSON().write(to: URL(fileURLWithPath: staging + "/config.json"))
        var weights = Checkpoint.weights(of: model, step: 0)
        weights.add(Self.scoreName, shape: [labels.count, model.config.dim], pointer: score.pointer)
        try weights.write(to: staging + "/model.safetensors")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(Description(labels: labels)).write(to: URL(fileURLWithPath: staging + "/" + Self.classifierFile))
        try Data(tokenizer).write(to: URL(fileURLWithPath: staging + "/tokenizer.json"))
        try Checkpoint.swapIntoPlace(staging: staging, directory: directory)
    }

    /// Loads a classifier that ``save(to:tokenizer:)`` wrote.
    public static func load(_ directory: String, threads: Int = 1) throws -> LastTokenClassifier {
        let dir = try Checkpoint.resolve(directory)
        let path = dir + "/" + classifierFile
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ModelError.badCheckpoint(path: path, detail: "missing: not a last-token classifier")
        }
        let description: Description
        do { description = try JSONDecoder().decode(Description.self, from: data) } catch {
            throw ModelError.badCheckpoint(path: path, detail: Checkpoint.decodingProblem(error))
        }
        let classifier = try LastTokenClassifier(model: try Checkpoint.loadModel(dir, threads: threads), labels: description.labels)
        do {
            try SafeTensors.read(dir + "/model.safetensors").copyFloats(
                scoreName, shape: [description.labels.count, classifier.model.config.dim], into: classifier.score.pointer)
        } catch let e as SafeTensorsError {
            throw ModelError.badCheckpoint(path: dir + "/model.safetensors", detail: e.description)
        }
        return classifier
    }
}
