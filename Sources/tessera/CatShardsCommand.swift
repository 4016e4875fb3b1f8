import ArtifactIO
import ArgumentParser
import ArtifactIO
import Tokenization

/// `tessera cat-shards`: concatenates llm.c token shards, fixing the header's count.
struct CatShardsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cat-shards",
        abstract: "Concatenate llm.c token shards (.bin) in order into one, with the header's token count right.",
        discussion: """
            All shards must have the same id width (header version 1 = uint16, 2 = uint32): shards \
            of different widths come from tokenizers of different vocabulary sizes and are refused \
            (not upgraded). --tokenizer or --vocab-size also checks every id against the vocabulary.

            Example: tessera cat-shards part-00000.bin part-00001.bin -o train.bin
            """
    )

    @Option(name: .shortAndLong, help: "Output shard.")
    var output: String

    @Option(help: "Check every id against this tokenizer's vocabulary size.")
    var tokenizer: String?

    @Option(name: .customLong("vocab-size"), help: "Check every id against this vocabulary size.")
    var vocabSize: Int?

    @Argument(help: "Input shards, in order.")
    var inputs: [String]

    func validate() throws {
        guard !inputs.isEmpty else { throw ValidationError("give at least one shard") }
        guard output != "-" else { throw ValidationError("-o: a shard is written to a file, not standard output") }
        if let vocabSize, vocabSize < 1 { throw ValidationError("--vocab-size must be at least 1") }
        if tokenizer != nil && vocabSize != nil { throw ValidationError("give --tokenizer or --vocab-size, not both") }
        for path in inputs + (tokenizer.map { [$0] } ?? []) { try OptionCheck.readable("input", path) }
        try AtomicFileWriter.check(output, inputs: inputs + (tokenizer.map { [$0] } ?? []))
    }

    func run() throws {
        var size = vocabSize
        if let tokenizer { size = try Tokenizer.load(fromFile: tokenizer).vocabularySize }
        let count = try TokenShard.concatenate(inputs, to: output, vocabularySize: size)
        StandardError().line("cat-shards: \(inputs.count) shards, \(count) tokens → \(output)")
    }
}
