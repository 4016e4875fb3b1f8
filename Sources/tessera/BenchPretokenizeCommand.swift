import ArgumentParser
import TextNormalization

/// `tessera bench pretokenize`: MB/s of each pre-tokenizer on a file.
struct BenchPretokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pretokenize",
        abstract: "Pre-tokenization throughput per style (JSON lines).",
        discussion: "Example: tessera bench pretokenize --styles gpt2,bert ../shared/data/en/shakespeare_complete.txt"
    )

    @Option(help: "Comma-separated styles to measure.")
    var styles: String = "gpt2,bert,whitespace"

    @Option(help: "Runs per figure; the best is reported.")
    var repeats: Int = 5

    @Argument(help: "Text files.")
    var files: [String]

    func validate() throws {
        try OptionCheck.range("--repeats", repeats, 1...1000)
    }

    func run() throws {
        for path in files {
            let bytes = try BenchSupport.load(path)
            for name in styles.split(separator: ",") {
                guard let style = PreTokenizerStyle(rawValue: String(name)) else {
                    throw ValidationError("unknown style '\(name)'")
                }
                let preTokenizer = style.makePreTokenizer()
                var pieces: [Range<Int>] = []
                var count = 0
                let seconds = bytes.withUnsafeBufferPointer { buffer in
                    let slices = BenchSupport.slices(of: buffer)
                    return BenchSupport.bestTime(repeats: repeats) {
                        count = 0
                        for slice in slices {
                            pieces.removeAll(keepingCapacity: true)
                            preTokenizer.split(UnsafeBufferPointer(rebasing: buffer[slice]), into: &pieces)
                            count += pieces.count
                        }
                    }
                }
                try BenchSupport.emit([
                    "bench": "pretokenize", "file": path, "style": style.rawValue,
                    "bytes": bytes.count, "pieces": count, "seconds": seconds,
                    "mb_per_s": Double(bytes.count) / seconds / 1e6,
                ])
            }
        }
    }
}
