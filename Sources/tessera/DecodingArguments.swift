import ArgumentParser
import EncoderDecoder

/// The search options shared by `translate` and `evaluate-seq2seq` (so both decode alike).
struct DecodingArguments: ParsableArguments {
    @Option(help: "Beam size (1: greedy search).") var beam: Int = 1
    @Option(name: .customLong("length-penalty"), help: "Beam search ranks finished outputs by score / length^α.") var lengthPenalty:
        Double = 1.0
    @Option(name: .customLong("max-length-ratio"), help: "Output length limit: ratio × source tokens + offset.") var maxLengthRatio:
        Double = 2.0
    @Option(name: .customLong("max-length-offset"), help: "Output length limit: ratio × source tokens + offset.") var maxLengthOffset: Int =
        10

    func validate() throws {
        try OptionCheck.range("--beam", beam, 1...64)
        try OptionCheck.range("--length-penalty", lengthPenalty, -10...10)
        try OptionCheck.range("--max-length-ratio", maxLengthRatio, 0...100)
        try OptionCheck.range("--max-length-offset", maxLengthOffset, 0...100_000)
    }

    var options: DecodingOptions {
        DecodingOptions(beamSize: beam, lengthPenalty: lengthPenalty, maxLengthRatio: maxLengthRatio, maxLengthOffset: maxLengthOffset)
    }
}
