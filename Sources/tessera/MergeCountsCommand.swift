import ArgumentParser
import ArtifactIO
import Tokenization

/// `tessera merge-counts`: adds count files (from `tessera count`) into one.
struct MergeCountsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge-counts",
        abstract: "Add .counts files (made with the same settings) into one.",
        discussion: """
            The result depends only on the counts, not on the order or grouping of the merges, so \
            partitions counted anywhere can be merged in any reduce tree and give the same bytes. \
            Files counted with other normalization or pre-tokenizer settings are refused, naming \
            the settings that differ; a truncated file is refused.

            Example: tessera merge-counts part-*.counts -o all.counts
            """
    )

    @Option(name: .shortAndLong, help: "Output .counts file (- for standard output).")
    var output: String

    @Argument(help: "Count files to add.")
    var inputs: [String]

    func validate() throws {
        guard !inputs.isEmpty else { throw ValidationError("give at least one .counts file") }
        for path in inputs { try OptionCheck.readable("input", path) }
        try AtomicFileWriter.check(output, inputs: inputs)
    }

    func run() throws {
        let counts = try WordCounts.merged(paths: inputs)
        try counts.write(to: output, inputs: inputs)
        if output != "-" {
            StandardError().line("merge-counts: \(inputs.count) files, \(counts.distinctWords) distinct words → \(output)")
        }
    }
}
