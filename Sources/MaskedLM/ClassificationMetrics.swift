/// Accuracy and macro-averaged F1 of predicted class indices against the gold ones.
public struct ClassificationMetrics: Sendable, Equatable {
    /// Fraction of correct predictions.
    public var accuracy: Double
    /// Mean over classes of F1 = 2PR/(P+R) (0 for a class never predicted nor present; scikit-learn's `zero_division=0`).
    public var macroF1: Double
    /// Examples.
    public var count: Int

    /// Computes the metrics over `classes` classes (classes absent from both gold and predictions are left out of the mean, as scikit-learn does with `labels=None`).
    public init(predicted: [Int], gold: [Int], classes: Int) {
        let n = min(predicted.count, gold.count)
        var tp = [Int](repeating: 0, count: classes), fp = tp, fn = tp
        var correct = 0
        for i in 0..<n {
            if predicted[i] == gold[i] { correct += 1; tp[gold[i]] += 1 } else { fp[predicted[i]] += 1; fn[gold[i]] += 1 }
        }
        var f1Sum = 0.0, present = 0
        for k in 0..<classes where tp[k] + fp[k] + fn[k] > 0 {
            present += 1
            let denominator = Double(2 * tp[k] + fp[k] + fn[k])
            f1Sum += denominator > 0 ? Double(2 * tp[k]) / denominator : 0
        }
        accuracy = n > 0 ? Double(correct) / Double(n) : 0
        macroF1 = present > 0 ? f1Sum / Double(present) : 0
        count = n
    }
}
