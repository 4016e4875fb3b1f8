/// What a finished training run did.
public struct TrainingSummary: Sendable {
    /// Stream words processed over all epochs (before sub-sampling), as word2vec.c counts them.
    public var words: Int
    /// Words that survived sub-sampling and were trained as centre words.
    public var effectiveWords: Int
    /// Wall-clock seconds of the training loop.
    public var seconds: Double
    /// CPU seconds (user + system, all threads of the process) spent in the training loop: on a
    /// machine shared with other work this moves less than wall-clock time.
    public var cpuSeconds: Double
    /// Threads used.
    public var threads: Int

    /// Creates a summary.
    public init(words: Int, effectiveWords: Int, seconds: Double, cpuSeconds: Double = 0, threads: Int) {
        self.words = words
        self.effectiveWords = effectiveWords
        self.seconds = seconds
        self.cpuSeconds = cpuSeconds
        self.threads = threads
    }

    /// Stream words per second.
    public var wordsPerSecond: Double { seconds > 0 ? Double(words) / seconds : 0 }
}
