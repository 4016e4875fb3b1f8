import ArgumentParser
import TextNormalization

/// `tessera bench normalize`: MB/s of each normalization form on a file.
struct BenchNormalizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "normalize",
        abstract: "Normalization throughput per form (JSON lines).",
        discussion: "Example: tessera bench normalize --forms nfc,nfkc ../shared/data/ko/kobill_all.txt"
    )

    @Option(help: "Comma-separated forms to measure.")
    var forms: String = "nfc,nfd,nfkc,nfkd"

    @Flag(help: "Also lowercase.")
    var lowercase = false

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
            for name in forms.split(separator: ",") {
                guard let form = NormalizationForm(rawValue: String(name)) else {
                    throw ValidationError("unknown form '\(name)'")
                }
                let normalizer = Normalizer(form: form, lowercase: lowercase)
                var scratch = NormalizationScratch()
                var out: [UInt8] = []
                var produced = 0
                let seconds = bytes.withUnsafeBufferPointer { buffer in
                    let slices = BenchSupport.slices(of: buffer)
                    return BenchSupport.bestTime(repeats: repeats) {
                        produced = 0
                        for slice in slices {
                            out.removeAll(keepingCapacity: true)
                            normalizer.normalize(UnsafeBufferPointer(rebasing: buffer[slice]), into: &out, scratch: &scratch)
                            produced += out.count
                        }
                    }
                }
                try BenchSupport.emit([
                    "bench": "normalize", "file": path, "form": form.rawValue, "lowercase": lowercase,
                    "bytes": bytes.count, "output_bytes": produced, "seconds": seconds,
                    "mb_per_s": Double(bytes.count) / seconds / 1e6,
                ])
            }
        }
    }
}
