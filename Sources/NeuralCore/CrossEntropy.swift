import CKernels

/// Softmax cross-entropy over a vocabulary: `loss[r] = −log softmax(logits[r])[target[r]]`.
///
/// The forward keeps the probabilities; the backward turns them, in place, into the gradient of
/// the mean loss with respect to the logits.
public enum CrossEntropy {
    /// `probs = softmax(logits)` per row and `losses[r] = −log probs[r, targets[r]]`, rows split across `threads`.
    public static func forward(probs: UnsafeMutablePointer<Float>, losses: UnsafeMutablePointer<Float>, logits: UnsafePointer<Float>,
                               targets: UnsafePointer<Int32>, rows N: Int, vocab V: Int, threads: Int = 1) {
        Chunked.run(N, threads: threads, minimum: 64) { lo, hi in
            tk_softmax_cross_entropy(probs + lo * V, losses + lo, logits + lo * V, targets + lo, Int64(hi - lo), Int64(V))
        }
    }

    /// In place: `probs` becomes `dlogits = (probs − onehot(target)) · scale` (`scale = 1/N` for the mean loss).
    public static func backward(probs: UnsafeMutablePointer<Float>, targets: UnsafePointer<Int32>, rows N: Int, vocab V: Int,
                                scale: Float, threads: Int = 1) {
        Chunked.run(N, threads: threads, minimum: 64) { lo, hi in
            tk_cross_entropy_backward(probs + lo * V, targets + lo, Int64(hi - lo), Int64(V), scale)
        }
    }
}
