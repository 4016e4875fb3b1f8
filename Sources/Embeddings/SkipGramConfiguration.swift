/// Hyper-parameters of skip-gram training; the defaults are word2vec.c's and gensim's.
public struct SkipGramConfiguration: Sendable, Hashable, Codable {
    /// Vector size.
    public var dimension: Int = 100
    /// Maximum distance between the centre and a context word (shrunk at random per centre word).
    public var window: Int = 5
    /// Noise words per positive pair.
    public var negative: Int = 5
    /// Sub-sampling threshold for frequent words (0 turns it off).
    public var sample: Double = 1e-3
    /// Words (or ids) seen fewer times are not trained.
    public var minCount: Int = 5
    /// Passes over the corpus.
    public var epochs: Int = 5
    /// Starting learning rate; it decays linearly to `alpha × minAlphaFactor`.
    public var alpha: Double = 0.025
    /// Floor of the learning rate, as a fraction of ``alpha`` (word2vec.c: 1e-4).
    public var minAlphaFactor: Double = 1e-4
    /// Worker threads (Hogwild). With 1 thread, training is deterministic for a given ``seed``.
    public var threads: Int = 1
    /// Seed of the initial vectors and of every thread's random stream.
    public var seed: UInt64 = 1
    /// Use the AVX2/FMA inner loop when the CPU has it; `false` runs the portable C loop
    /// (results then differ in the last bits: FMA rounds once where the portable loop rounds twice).
    public var vectorKernels: Bool = true

    /// Creates the default configuration.
    public init() {}

    /// Throws ``EmbeddingsError/invalidOption(name:reason:)``, naming the property, for any value out of range.
    public func validate() throws {
        func check(_ ok: Bool, _ name: String, _ reason: String) throws {
            if !ok { throw EmbeddingsError.invalidOption(name: name, reason: reason) }
        }
        try check(dimension >= 1 && dimension <= 100_000, "dimension", "must be between 1 and 100000, got \(dimension)")
        try check(window >= 1 && window <= 10_000, "window", "must be between 1 and 10000, got \(window)")
        try check(negative >= 1 && negative <= 1000, "negative", "must be between 1 and 1000, got \(negative)")
        try check(sample >= 0 && sample <= 1, "sample", "must be between 0 and 1, got \(sample)")
        try check(minCount >= 1, "minCount", "must be at least 1, got \(minCount)")
        try check(epochs >= 1 && epochs <= 100_000, "epochs", "must be between 1 and 100000, got \(epochs)")
        try check(alpha > 0 && alpha <= 10, "alpha", "must be in (0, 10], got \(alpha)")
        try check(threads >= 1 && threads <= 256, "threads", "must be between 1 and 256, got \(threads)")
    }
}
