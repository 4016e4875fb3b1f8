import Foundation
import TensorOps

/// How a language model picks the next token from its logits (shared by every model family's sampler).
public enum TokenSampling {
    /// Draws a token from logits with temperature (0: greedy), top-k (0: off) and top-p (1: off).
    public static func sample(
        _ logits: UnsafeBufferPointer<Float>, temperature: Float, topK: Int, topP: Float,
        rng: inout SeededGenerator
    ) -> Int32 {
        let V = logits.count
        if temperature <= 0 {
            var best = 0
            for i in 1..<V where logits[i] > logits[best] { best = i }
            return Int32(best)
        }
        var order = Array(0..<V)
        order.sort { logits[$0] > logits[$1] }
        if topK > 0 && topK < V { order.removeLast(V - topK) }
        let mx = logits[order[0]]
        var probs = order.map { Double(expf((logits[$0] - mx) / temperature)) }
        let total = probs.reduce(0, +)
        probs = probs.map { $0 / total }
        if topP < 1 {
            var acc = 0.0, keep = 0
            while keep < probs.count { acc += probs[keep]; keep += 1; if acc >= Double(topP) { break } }
            probs.removeLast(probs.count - keep)
            order.removeLast(order.count - keep)
        }
        let r = Double(rng.nextUniform()) * probs.reduce(0, +)
        var acc = 0.0
        for (i, p) in probs.enumerated() {
            acc += p
            if r < acc { return Int32(order[i]) }
        }
        return Int32(order[order.count - 1])
    }
}
