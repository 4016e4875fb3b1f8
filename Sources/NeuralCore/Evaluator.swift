import Foundation
import TensorOps

/// Next-token loss of a model on a token stream.
///
/// The stream is cut into windows of `context + 1` tokens stepping by `context` (inputs `w[0..<T]`,
/// targets `w[1...T]`; a remainder shorter than a window is dropped); the loss is the mean
/// cross-entropy over all targets.
public enum Evaluator {
    /// Loss summary.
    public struct Result: Sendable {
        /// Mean cross-entropy in nats.
        public let loss: Double
        /// Number of target tokens.
        public let tokens: Int
        /// The target ids, in order (for byte counting).
        public let targetIDs: [Int32]
        /// `exp(loss)`.
        public var perplexity: Double { exp(loss) }
    }

    /// Evaluates `model` on `stream`, `batch` windows at a time.
    public static func evaluate(_ model: any TrainableModel, stream: TokenStream, batch: Int = 8) throws -> Result {
        guard batch >= 1 else { throw ModelError.invalidConfig("evaluation batch \(batch) must be at least 1") }
        let T = model.contextLength
        let windows = stream.count >= T + 1 ? (stream.count - 1) / T : 0
        guard windows > 0 else { throw ModelError.shardTooShort(source: stream.source, tokens: stream.count, needed: T + 1) }
        var total: Double = 0
        var targetsAll: [Int32] = []
        targetsAll.reserveCapacity(windows * T)
        var rng = SeededGenerator(seed: 0)
        var w = 0
        while w < windows {
            let B = min(batch, windows - w)
            var inputs: [Int32] = [], targets: [Int32] = []
            inputs.reserveCapacity(B * T); targets.reserveCapacity(B * T)
            for i in 0..<B {
                let start = (w + i) * T
                let window = stream.window(from: start, count: T + 1)
                inputs.append(contentsOf: window[0..<T])
                targets.append(contentsOf: window[1...T])
            }
            try model.forward(inputs: inputs, targets: targets, batch: B, time: T, training: false, rng: &rng)
            guard let losses = model.tokenLosses else { throw ModelError.invalidConfig("the model kept no per-token losses") }
            for i in 0..<(B * T) { total += Double(losses[i]) }
            targetsAll.append(contentsOf: targets)
            w += B
        }
        return Result(loss: total / Double(windows * T), tokens: windows * T, targetIDs: targetsAll)
    }
}
