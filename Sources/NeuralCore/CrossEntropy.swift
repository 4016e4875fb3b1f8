import CKernels
import Foundation

/// Softmax cross-entropy over a vocabulary, optionally with an ignore index and label smoothing.
///
/// Per row with target `y`: `loss = (1 − ε)·(−log p_y) + ε·mean_c(−log p_c)` (PyTorch's
/// `F.cross_entropy(..., label_smoothing: ε)`); rows whose target is the ignore index count for
/// nothing, and the mean is over the other rows. The forward keeps the probabilities; the backward
/// turns them, in place, into the gradient of the mean loss with respect to the logits.
public enum CrossEntropy {
    /// Targets to skip and how much to smooth.
    public struct Options: Sendable, Equatable {
        /// Rows with this target contribute no loss and no gradient (PyTorch's default is −100).
        public var ignoreIndex: Int32?
        /// Label smoothing ε in [0, 1).
        public var labelSmoothing: Float

        /// Options; the defaults are plain cross-entropy.
        public init(ignoreIndex: Int32? = nil, labelSmoothing: Float = 0) {
            self.ignoreIndex = ignoreIndex
            self.labelSmoothing = labelSmoothing
        }

        /// Plain cross-entropy: no ignored targets, no smoothing.
        public static let plain = Options()

        /// Whether these are plain cross-entropy (the fused kernels' case).
        public var isPlain: Bool { ignoreIndex == nil && labelSmoothing == 0 }
    }

    // MARK: Plain

    /// `probs = softmax(logits)` per row and `losses[r] = −log probs[r, targets[r]]`, rows split across `threads`.
    public static func forward(
        probs: UnsafeMutablePointer<Float>, losses: UnsafeMutablePointer<Float>, logits: UnsafePointer<Float>,
        targets: UnsafePointer<Int32>, rows N: Int, vocab V: Int, threads: Int = 1
    ) {
        Chunked.run(N, threads: threads, minimum: 64) { lo, hi in
            tk_softmax_cross_entropy(probs + lo * V, losses + lo, logits + lo * V, targets + lo, Int64(hi - lo), Int64(V))
        }
    }

    /// In place: `probs` becomes `dlogits = (probs − onehot(target)) · scale` (`scale = 1/N` for the mean loss).
    public static func backward(
        probs: UnsafeMutablePointer<Float>, targets: UnsafePointer<Int32>, rows N: Int, vocab V: Int,
        scale: Float, threads: Int = 1
    ) {
        Chunked.run(N, threads: threads, minimum: 64) { lo, hi in
            tk_cross_entropy_backward(probs + lo * V, targets + lo, Int64(hi - lo), Int64(V), scale)
        }
    }

    // MARK: With ignore index and label smoothing

    /// Forward with `options`: `probs = softmax(logits)` per row, `losses[r]` the row's smoothed
    /// loss (0 for an ignored row). Returns the number of rows that count (the mean's denominator).
    /// Targets other than the ignore index must be in `0..<V`.
    @discardableResult
    public static func forward(
        probs: UnsafeMutablePointer<Float>, losses: UnsafeMutablePointer<Float>, logits: UnsafePointer<Float>,
        targets: UnsafePointer<Int32>, rows N: Int, vocab V: Int, options: Options, threads: Int = 1
    ) -> Int {
        if options.isPlain {
            forward(probs: probs, losses: losses, logits: logits, targets: targets, rows: N, vocab: V, threads: threads)
            return N
        }
        let eps = options.labelSmoothing
        Chunked.run(N, threads: threads, minimum: 64) { lo, hi in
            for r in lo..<hi {
                let z = logits + r * V, p = probs + r * V
                if let ignore = options.ignoreIndex, targets[r] == ignore {
                    tk_softmax(p, z, Int64(V))
                    losses[r] = 0
                    continue
                }
                var nll: Float = 0
                var target = targets[r]
                tk_softmax_cross_entropy(p, &nll, z, &target, 1, Int64(V))
                guard eps > 0 else {
                    losses[r] = nll
                    continue
                }
                // mean_c(−log p_c) = logsumexp(z) − mean(z), and logsumexp(z) = nll + z_y
                var sum: Double = 0
                for c in 0..<V { sum += Double(z[c]) }
                let smooth = Double(nll) + Double(z[Int(target)]) - sum / Double(V)
                losses[r] = Float((1 - Double(eps)) * Double(nll) + Double(eps) * smooth)
            }
        }
        guard let ignore = options.ignoreIndex else { return N }
        var counted = 0
        for r in 0..<N where targets[r] != ignore { counted += 1 }
        return counted
    }

    /// Backward with `options`, in place: `probs` becomes
    /// `dlogits = (probs − (1 − ε)·onehot(target) − ε/V) · scale`, zero for ignored rows
    /// (`scale = 1/counted` for the mean loss).
    public static func backward(
        probs: UnsafeMutablePointer<Float>, targets: UnsafePointer<Int32>, rows N: Int, vocab V: Int,
        scale: Float, options: Options, threads: Int = 1
    ) {
        if options.isPlain {
            backward(probs: probs, targets: targets, rows: N, vocab: V, scale: scale, threads: threads)
            return
        }
        let eps = options.labelSmoothing, uniform = eps / Float(V)
        Chunked.run(N, threads: threads, minimum: 64) { lo, hi in
            for r in lo..<hi {
                let p = probs + r * V
                if let ignore = options.ignoreIndex, targets[r] == ignore {
                    p.update(repeating: 0, count: V)
                    continue
                }
                for c in 0..<V { p[c] = (p[c] - uniform) * scale }
                p[Int(targets[r])] -= (1 - eps) * scale
            }
        }
    }
}
