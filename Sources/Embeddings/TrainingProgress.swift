/// A snapshot of a training run, for progress lines.
public struct TrainingProgress: Sendable {
    /// Words (in-vocabulary stream positions, before sub-sampling) processed so far, all epochs.
    public var wordsDone: Int
    /// Words to process in all epochs.
    public var wordsTotal: Int
    /// The current learning rate.
    public var alpha: Double
    /// Seconds since training started.
    public var elapsed: Double

    /// Creates a snapshot.
    public init(wordsDone: Int, wordsTotal: Int, alpha: Double, elapsed: Double) {
        self.wordsDone = wordsDone
        self.wordsTotal = wordsTotal
        self.alpha = alpha
        self.elapsed = elapsed
    }

    /// Words per second so far.
    public var wordsPerSecond: Double { elapsed > 0 ? Double(wordsDone) / elapsed : 0 }
    /// Fraction done, 0…1.
    public var fraction: Double { wordsTotal > 0 ? min(Double(wordsDone) / Double(wordsTotal), 1) : 1 }
    /// Estimated seconds left.
    public var secondsLeft: Double {
        let rate = wordsPerSecond
        return rate > 0 ? Double(max(wordsTotal - wordsDone, 0)) / rate : 0
    }
}
