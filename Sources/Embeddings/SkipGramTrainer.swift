import CEmbeddingKernels
import Foundation

/// Word2Vec skip-gram with negative sampling, as word2vec.c trains it.
///
/// - Random numbers: word2vec.c's 64-bit LCG (`r = r·25214903917 + 11`), one stream per thread,
///   using bits 16 and up (as gensim does; the lowest bits of an LCG repeat with short periods).
/// - Initial input vectors: uniform in (−0.5, 0.5) / dim from that LCG seeded with
///   ``SkipGramConfiguration/seed`` (every row, trained or not); output vectors start at zero.
/// - Noise: rows drawn from the unigram^0.75 distribution over the trained rows. Where
///   word2vec.c fills a 10^8-entry table (400 MB, a cache miss per draw), this samples the same
///   distribution exactly with Walker's alias method: 16 bytes per row, which stays in cache.
/// - Sub-sampling: a word of count `c` is kept with probability `(√(c/(s·N)) + 1)·(s·N)/c`.
/// - Window: for each centre word a random `b` in `0..<window` shrinks it to `window − b`.
/// - Learning rate: `alpha · (1 − done/(epochs·N + 1))`, floored at `alpha · minAlphaFactor`,
///   recomputed every 10,000 words from a counter shared by all threads.
/// - Threads: the corpus is cut into jobs of about 10,000 words (whole sentences); threads take
///   the next job in corpus order from a shared counter, epoch after epoch (as gensim's job
///   queue does, so a thread slowed down by other work does not leave a tail of late, low-rate
///   updates), and update the shared matrices without locks (Hogwild). With one thread the
///   result is byte-identical for a seed.
///
/// ```swift
/// var config = SkipGramConfiguration()
/// config.threads = 2
/// let (table, summary) = try SkipGramTrainer(configuration: config).train(corpus)
/// ```
public struct SkipGramTrainer: Sendable {
    /// The hyper-parameters.
    public var configuration: SkipGramConfiguration

    /// Creates a trainer.
    public init(configuration: SkipGramConfiguration) {
        self.configuration = configuration
    }

    // MARK: Training

    /// Trains on `corpus`; `progress` is called from one worker about once a second.
    public func train(
        _ corpus: TrainingCorpus,
        progress: (@Sendable (TrainingProgress) -> Void)? = nil
    ) throws -> (table: EmbeddingTable, summary: TrainingSummary) {
        let config = configuration
        try config.validate()
        let rows = corpus.rowCount
        let dim = config.dimension
        let trainWords = corpus.wordCount
        let stream = corpus.shardStream
        guard trainWords >= config.window, trainWords >= 2 else {
            throw EmbeddingsError.corpusTooSmall(words: trainWords, window: config.window)
        }
        guard corpus.counts.lazy.filter({ $0 > 0 }).count <= 1 << 24 else {
            throw EmbeddingsError.invalidOption(name: "vocabulary", reason: "more than 16,777,216 trained rows")
        }
        guard corpus.counts.count == rows, stream != nil || (corpus.sentenceStarts.first == 0 && corpus.sentenceStarts.last == trainWords)
        else {
            throw EmbeddingsError.invalidOption(name: "corpus", reason: "counts or sentence offsets do not match the stream")
        }
        // A mapped stream keeps exactly the ids with a count (its builder made both from the shard).
        let allTrainable =
            stream != nil
            || corpus.ids.withUnsafeBufferPointer { ids in
                corpus.counts.withUnsafeBufferPointer { counts in
                    ids.allSatisfy { $0 >= 0 && Int($0) < rows && counts[Int($0)] > 0 }
                }
            }
        guard allTrainable else {
            throw EmbeddingsError.invalidOption(name: "corpus", reason: "the stream holds a row id out of range or with a count of 0")
        }

        // Matrices, 64-byte aligned, each row starting on a cache line (Hogwild threads then
        // share a line only when they update the same row).
        let stride = (dim + 15) & ~15
        let size = max(rows * stride, 1)
        let syn0 = UnsafeMutableRawPointer.allocate(byteCount: size * 4, alignment: 64).bindMemory(to: Float.self, capacity: size)
        let syn1 = UnsafeMutableRawPointer.allocate(byteCount: size * 4, alignment: 64).bindMemory(to: Float.self, capacity: size)
        defer { syn0.deallocate(); syn1.deallocate() }
        syn0.initialize(repeating: 0, count: size)
        syn1.initialize(repeating: 0, count: size)
        SkipGramTrainer.initialize(syn0, rows: rows, dimension: dim, stride: stride, seed: config.seed)

        let table = SkipGramTrainer.noiseTable(counts: corpus.counts)
        let keep = SkipGramTrainer.keepProbabilities(counts: corpus.counts, sample: config.sample, total: trainWords)
        var expTable = [Float](repeating: 0, count: Int(TSR_W2V_EXP_TABLE_SIZE))
        expTable.withUnsafeMutableBufferPointer { tsr_w2v_fill_exp_table($0.baseAddress!) }

        let threads = config.threads
        let jobs = stream == nil ? SkipGramTrainer.jobs(corpus.sentenceStarts, words: ShardSentenceStream.wordsPerJob) : [0]
        let jobCount = stream?.jobCount ?? jobs.count - 1
        let maxSentence =
            stream?.maxSentenceLength ?? zip(corpus.sentenceStarts.dropFirst(), corpus.sentenceStarts).map { $0 - $1 }.max() ?? 0
        let totalWords = trainWords * config.epochs
        // counter[0]: words done (all threads); counter[8]: next job, a cache line away.
        let counter = UnsafeMutablePointer<Int64>.allocate(capacity: 16)
        counter.initialize(repeating: 0, count: 16)
        let effective = UnsafeMutablePointer<Int>.allocate(capacity: threads)
        effective.initialize(repeating: 0, count: threads)
        defer { counter.deallocate(); effective.deallocate() }
        let useAVX2: Int32 = config.vectorKernels ? tsr_w2v_cpu_has_avx2_fma() : 0
        let start = DispatchTime.now().uptimeNanoseconds
        let cpuStart = SkipGramTrainer.processCPUSeconds()

        table.withUnsafeBufferPointer { tablePointer in
            expTable.withUnsafeBufferPointer { expPointer in
                corpus.ids.withUnsafeBufferPointer { idsPointer in
                    corpus.sentenceStarts.withUnsafeBufferPointer { startsPointer in
                        keep.withUnsafeBufferPointer { keepPointer in
                            jobs.withUnsafeBufferPointer { jobsPointer in
                                var model = tsr_w2v_model(
                                    syn0: syn0, syn1neg: syn1, noise: tablePointer.baseAddress!, exp_table: expPointer.baseAddress!,
                                    noise_count: Int64(tablePointer.count), dim: Int32(dim), stride: Int32(stride),
                                    negative: Int32(config.negative), use_avx2: useAVX2)
                                withUnsafeMutablePointer(to: &model) { modelPointer in
                                    let worker = Worker(
                                        config: config, model: modelPointer, ids: idsPointer.baseAddress, starts: startsPointer.baseAddress,
                                        stream: stream, keep: keepPointer.baseAddress!, jobs: jobsPointer.baseAddress!, jobCount: jobCount,
                                        stride: stride, maxSentence: maxSentence, totalWords: totalWords,
                                        counter: counter, effective: effective, start: start, progress: progress)
                                    // Dedicated threads: libdispatch's pool may run concurrentPerform's
                                    // iterations one after another when it sees the CPUs busy.
                                    let done = DispatchGroup()
                                    for t in 1..<threads {
                                        done.enter()
                                        Thread {
                                            worker.run(thread: t)
                                            done.leave()
                                        }.start()
                                    }
                                    worker.run(thread: 0)
                                    done.wait()
                                }
                            }
                        }
                    }
                }
            }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let cpuSeconds = SkipGramTrainer.processCPUSeconds() - cpuStart
        var effectiveWords = 0
        for t in 0..<threads { effectiveWords += effective[t] }

        var vectors = [Float](repeating: 0, count: rows * dim)
        vectors.withUnsafeMutableBufferPointer { out in
            for r in 0..<rows { (out.baseAddress! + r * dim).update(from: syn0 + r * stride, count: dim) }
        }
        let trained = EmbeddingTable(tokens: corpus.tokens, dimension: dim, vectors: vectors)
        return (
            trained,
            TrainingSummary(
                words: totalWords, effectiveWords: effectiveWords, seconds: seconds,
                cpuSeconds: cpuSeconds, threads: threads)
        )
    }

    // MARK: One worker

    /// The state every worker thread shares, and the per-thread loop. The pointers stay valid
    /// for the whole of `concurrentPerform`; the threads write the matrices behind `model`
    /// without locks on purpose (Hogwild), `counter` atomically, and each its own `effective` slot.
    private struct Worker: @unchecked Sendable {
        let config: SkipGramConfiguration
        let model: UnsafePointer<tsr_w2v_model>
        /// The in-memory stream (nil when `stream` reads a mapped shard).
        let ids: UnsafePointer<Int32>?
        let starts: UnsafePointer<Int>?
        let stream: ShardSentenceStream?
        let keep: UnsafePointer<Float>
        /// In memory, job `j` is sentences `jobs[j] ..< jobs[j + 1]`; mapped, the stream's jobs.
        let jobs: UnsafePointer<Int>
        let jobCount: Int
        let stride: Int
        let maxSentence: Int
        let totalWords: Int
        let counter: UnsafeMutablePointer<Int64>
        let effective: UnsafeMutablePointer<Int>
        let start: UInt64
        let progress: (@Sendable (TrainingProgress) -> Void)?

        /// Takes jobs until all epochs are done; stores the centre words trained in `effective[thread]`.
        func run(thread: Int) {
            let window = UInt64(config.window)
            let startAlpha = config.alpha
            let minAlpha = config.alpha * config.minAlphaFactor
            let subsample = config.sample > 0
            var rng = SkipGramTrainer.threadSeed(config.seed, thread)
            let neu1e = UnsafeMutableRawPointer.allocate(byteCount: stride * 4, alignment: 64).bindMemory(to: Float.self, capacity: stride)
            let sentence = UnsafeMutablePointer<Int32>.allocate(capacity: max(maxSentence, 1))
            defer { neu1e.deallocate(); sentence.deallocate() }
            var alpha = Float(startAlpha)
            var pending = 0
            var trained = 0
            var lastReport = start

            let buffer = UnsafeMutablePointer<Int32>.allocate(capacity: stream == nil ? 1 : max(maxSentence, 1))
            defer { buffer.deallocate() }

            /// One sentence: sub-sampled into `sentence`, then every (context, centre) pair trained.
            func trainSentence(_ words: UnsafePointer<Int32>, _ count: Int) {
                var n = 0
                for i in 0..<count {
                    let w = words[i]
                    if subsample {
                        rng = rng &* 25214903917 &+ 11
                        if keep[Int(w)] < Float((rng >> 16) & 0xFFFF) / 65536 { continue }
                    }
                    sentence[n] = w
                    n += 1
                }
                pending += count
                trained += n
                if pending >= 10_000 {
                    let done = Int(tsr_w2v_atomic_add(counter, Int64(pending))) + pending
                    pending = 0
                    alpha = Float(max(startAlpha * (1 - Double(done) / Double(totalWords + 1)), minAlpha))
                    if thread == 0, let progress {
                        let now = DispatchTime.now().uptimeNanoseconds
                        if now - lastReport >= 1_000_000_000 {
                            lastReport = now
                            progress(
                                TrainingProgress(
                                    wordsDone: done, wordsTotal: totalWords, alpha: Double(alpha),
                                    elapsed: Double(now - start) / 1e9))
                        }
                    }
                }
                for pos in 0..<n {
                    rng = rng &* 25214903917 &+ 11
                    let span = Int(window - (rng >> 16) % window)
                    let from = max(0, pos - span)
                    let to = min(n - 1, pos + span)
                    let centre = sentence[pos]
                    var c = from
                    while c <= to {
                        if c != pos { tsr_w2v_sgns_pair(model, sentence[c], centre, &rng, alpha, neu1e) }
                        c += 1
                    }
                }
            }

            let totalJobs = jobCount * config.epochs
            while true {
                let job = Int(tsr_w2v_atomic_add(counter + 8, 1))
                if job >= totalJobs { break }
                let j = job % jobCount
                if let stream {
                    stream.forEachSentence(job: j, buffer: buffer) { trainSentence($0, $1) }
                } else if let ids, let starts {
                    for s in jobs[j]..<jobs[j + 1] { trainSentence(ids + starts[s], starts[s + 1] - starts[s]) }
                }
            }
            if pending > 0 { _ = tsr_w2v_atomic_add(counter, Int64(pending)) }
            effective[thread] = trained
        }
    }

    // MARK: Set-up pieces

    /// word2vec.c's initial input vectors: `(((r >> 16) & 0xFFFF)/65536 − 0.5)/dim` from its LCG.
    static func initialize(_ syn0: UnsafeMutablePointer<Float>, rows: Int, dimension: Int, stride: Int, seed: UInt64) {
        var rng = seed
        let scale = 1 / Float(dimension)
        for r in 0..<rows {
            for c in 0..<dimension {
                rng = rng &* 25214903917 &+ 11
                syn0[r * stride + c] = (Float((rng >> 16) & 0xFFFF) / 65536 - 0.5) * scale
            }
        }
    }

    /// Walker's alias table (Vose's construction) of the distribution count^0.75 over the rows
    /// with a non-zero count.
    static func noiseTable(counts: [Int]) -> [tsr_w2v_noise_bucket] {
        let trained = counts.indices.filter { counts[$0] > 0 }
        let n = trained.count
        guard n > 0 else { return [tsr_w2v_noise_bucket(threshold: 1 << 24, row: 0, alias: 0, unused: 0)] }
        let weights = trained.map { pow(Double(counts[$0]), 0.75) }
        let total = weights.reduce(0, +)
        var probability = weights.map { $0 * Double(n) / total }
        var alias = [Int](repeating: 0, count: n)
        var small: [Int] = []
        var large: [Int] = []
        for i in 0..<n { if probability[i] < 1 { small.append(i) } else { large.append(i) } }
        while let s = small.popLast() {
            guard let l = large.last else {
                // Only rounding leaves a small bucket without a large partner: it is full.
                probability[s] = 1
                continue
            }
            alias[s] = l
            probability[l] -= 1 - probability[s]
            if probability[l] < 1 { large.removeLast(); small.append(l) }
        }
        for l in large { probability[l] = 1 }
        let scale = Double(1 << 24)
        return (0..<n).map { i in
            tsr_w2v_noise_bucket(
                threshold: UInt32(min(max(probability[i], 0), 1) * scale), row: Int32(trained[i]),
                alias: Int32(trained[alias[i]]), unused: 0)
        }
    }

    /// Probability of keeping each row under sub-sampling (values ≥ 1 always keep).
    static func keepProbabilities(counts: [Int], sample: Double, total: Int) -> [Float] {
        guard sample > 0 else { return [Float](repeating: 2, count: counts.count) }
        let threshold = sample * Double(total)
        return counts.map { c in
            c > 0 ? Float((sqrt(Double(c) / threshold) + 1) * threshold / Double(c)) : 0
        }
    }

    /// Job boundaries: sentence indices cutting the corpus into runs of at least `words` words.
    static func jobs(_ starts: [Int], words: Int) -> [Int] {
        var bounds = [0]
        let sentences = starts.count - 1
        var s = 0
        while s < sentences {
            let begin = starts[s]
            while s < sentences && starts[s] - begin < words { s += 1 }
            bounds.append(s)
        }
        if bounds.count == 1 { bounds.append(0) }
        return bounds
    }

    /// User + system CPU seconds of this process so far.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(0, &usage)  // RUSAGE_SELF
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    /// A well-mixed starting state for thread `thread` (SplitMix64 of seed and thread).
    static func threadSeed(_ seed: UInt64, _ thread: Int) -> UInt64 {
        var z = seed &+ 0x9E37_79B9_7F4A_7C15 &* UInt64(thread + 1)
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
