import ArgumentParser
import Foundation
import Tokenization

/// `tessera bench encode`: encoding throughput of a tokenizer on files held in memory.
struct BenchEncodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Encoding throughput (JSON lines: seconds, MB/s, tokens, bytes per token, peak RSS).",
        discussion: """
            The files are read into memory first and encoded as one token stream (what \
            `tessera encode --format bin` does); loading the tokenizer is not timed. The best of \
            --repeats runs is reported, once per --threads value.

            Example: tessera bench encode --tokenizer ../shared/data/tokenizers/encoder.json --threads 1 --threads 2 corpus.txt
            """
    )

    @Option(help: "Tokenizer file.")
    var tokenizer: String

    @Option(help: "Thread counts to measure (repeatable).")
    var threads: [Int] = [1]

    @Option(help: "Runs per measurement; the best is reported.")
    var repeats: Int = 3

    @Flag(
        help:
            "Encode each line on its own (without its line end, one thread), as `encode --format ids` and the reference scripts' per-line encoders do."
    )
    var lines = false

    @Flag(
        help:
            "With --lines: one session for all runs, after an untimed run has put every word in its cache (the cost of known words alone; `cached` in the output)."
    )
    var reuseSession = false

    @Argument(help: "Input text files.")
    var files: [String]

    func validate() throws {
        for t in threads { try OptionCheck.threads(t) }
        try OptionCheck.range("--repeats", repeats, 1...1000)
        if reuseSession && !lines { throw ValidationError("--reuse-session needs --lines") }
    }

    func run() throws {
        var text: [UInt8] = []
        for path in files { text += try BenchSupport.load(path) }
        let loadStart = DispatchTime.now().uptimeNanoseconds
        let tok = try Tokenizer.load(fromFile: tokenizer)
        let loadSeconds = Double(DispatchTime.now().uptimeNanoseconds - loadStart) / 1e9
        if lines {
            try runLines(text, tok, loadSeconds: loadSeconds)
            return
        }
        for n in threads {
            let encoder = CorpusEncoder(tokenizer: tok, threads: n)
            var count = 0
            _ = encoder.encode(Array(text.prefix(1 << 20)))  // warm-up
            let seconds = BenchSupport.bestTime(repeats: repeats) { count = encoder.encode(text).count }
            try BenchSupport.emit([
                "bench": "encode", "tool": "tessera", "tokenizer": tokenizer, "files": files, "threads": n,
                "bytes": text.count, "tokens": count, "seconds": seconds, "mb_per_s": Double(text.count) / 1e6 / seconds,
                "bytes_per_token": Double(text.count) / Double(max(count, 1)), "load_seconds": loadSeconds,
                "peak_rss_bytes": BenchSupport.peakRSS(),
            ])
        }
    }

    /// `--lines`: a new session per run encodes every line (its `\n` or `\r\n` not encoded).
    func runLines(_ text: [UInt8], _ tok: Tokenizer, loadSeconds: Double) throws {
        var ranges: [Range<Int>] = []
        var start = 0
        for (k, b) in text.enumerated() where b == 0x0A {
            ranges.append(start..<(k > start && text[k - 1] == 0x0D ? k - 1 : k))
            start = k + 1
        }
        if start < text.count { ranges.append(start..<text.count) }
        var ids: [UInt32] = []
        var count = 0
        // Each run starts with a new session (an empty word cache), so repeats do not see the text twice;
        // with --reuse-session all runs share one, filled first.
        // The process CPU time of each run is measured too: on a loaded machine it is what the run itself cost.
        var cpuSeconds = Double.infinity
        let shared = reuseSession ? TokenizerSession(tok) : nil
        if let session = shared {
            // An untimed run fills the cache.
            text.withUnsafeBufferPointer { all in
                for r in ranges { session.encode(UnsafeBufferPointer(rebasing: all[r]), addSpecialTokens: false, ids: &ids) }
            }
        }
        let seconds = BenchSupport.bestTime(repeats: repeats) {
            let cpuStart = Self.processCPUSeconds()
            defer { cpuSeconds = min(cpuSeconds, Self.processCPUSeconds() - cpuStart) }
            ids.removeAll(keepingCapacity: true)
            let session = shared ?? TokenizerSession(tok)
            text.withUnsafeBufferPointer { all in
                for r in ranges { session.encode(UnsafeBufferPointer(rebasing: all[r]), addSpecialTokens: false, ids: &ids) }
            }
            count = ids.count
        }
        try BenchSupport.emit([
            "bench": "encode", "tool": "tessera", "tokenizer": tokenizer, "files": files, "threads": 1, "lines": ranges.count,
            "cached": reuseSession,
            "bytes": text.count, "tokens": count, "seconds": seconds, "mb_per_s": Double(text.count) / 1e6 / seconds,
            "cpu_seconds": cpuSeconds, "cpu_mb_per_s": Double(text.count) / 1e6 / cpuSeconds,
            "bytes_per_token": Double(text.count) / Double(max(count, 1)), "load_seconds": loadSeconds,
            "peak_rss_bytes": BenchSupport.peakRSS(),
        ])
    }

    /// CPU time of this process so far (all threads), in seconds.
    static func processCPUSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
