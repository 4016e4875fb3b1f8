import ArtifactIO
import Foundation
import TextNormalization

/// tiktoken's rank files (`*.tiktoken`: one `base64(token bytes) rank` per line), read as a
/// byte-level BPE `tokenizer.json` the way `transformers`' `TikTokenConverter` builds one: the
/// named split pattern, `ByteLevel(use_regex: false)`, merges recovered from the ranks, and
/// `ignore_merges` (a piece that is a token is taken whole, as tiktoken does).
public enum TiktokenFile {
    /// The split patterns of the tiktoken encodings.
    public enum Pattern: String, CaseIterable, Sendable {
        /// `r50k_base` / `p50k_base` (GPT-2's pattern).
        case gpt2
        /// `cl100k_base` (GPT-3.5/4).
        case cl100k
        /// `o200k_base` (GPT-4o).
        case o200k
        /// Llama 3.
        case llama3

        /// The regex.
        public var regex: String {
            switch self {
            case .gpt2: return #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#
            case .cl100k:
                return
                    #"'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s"#
            case .o200k:
                return
                    #"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
            case .llama3:
                return
                    #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
            }
        }

        /// The pattern a file name suggests (`cl100k_base.tiktoken`, `llama3.tiktoken`, …).
        public static func guess(fromFileName name: String) -> Pattern? {
            let n = name.lowercased()
            if n.contains("cl100k") { return .cl100k }
            if n.contains("o200k") { return .o200k }
            if n.contains("llama") { return .llama3 }
            if n.contains("r50k") || n.contains("p50k") || n.contains("gpt2") { return .gpt2 }
            return nil
        }
    }

    /// Loads a `.tiktoken` file with `pattern` (guessed from the file name when `nil`).
    public static func load(_ path: String, pattern: Pattern? = nil) throws -> Tokenizer {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let pattern = pattern ?? Pattern.guess(fromFileName: name) else {
            throw TokenizerError.invalidOption(
                "\(path): cannot tell the split pattern of this tiktoken file from its name; name one of \(Pattern.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        let bytes = try FileContents.read(path)
        var ranked: [(rank: Int, token: [UInt8])] = []
        var lineNumber = 0
        for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            lineNumber += 1
            var l = line
            if l.last == 0x0D { l = l.dropLast() }
            if l.isEmpty { continue }
            let fields = l.split(separator: 0x20)
            guard fields.count == 2, let data = Data(base64Encoded: Data(fields[0])),
                let rank = Int(String(decoding: fields[1], as: UTF8.self)), rank >= 0, !data.isEmpty
            else {
                throw TokenizerError.malformed(source: path, what: "line \(lineNumber): expected a base64 token, one space and a rank")
            }
            ranked.append((rank, Array(data)))
        }
        guard !ranked.isEmpty else { throw TokenizerError.malformed(source: path, what: "no tokens (empty file)") }
        ranked.sort { $0.rank < $1.rank }
        for (k, entry) in ranked.enumerated() where entry.rank != k {
            throw TokenizerError.malformed(
                source: path,
                what: "rank \(entry.rank) found where rank \(k) was expected (ranks must be 0..<\(ranked.count) without gaps or repeats)")
        }
        let tokens = ranked.map { ByteLevelAlphabet.encode($0.token) }
        let vocabulary = try Vocabulary(tokens: tokens, source: path)
        // Merges as TikTokenConverter recovers them: for each token in rank order, every split
        // into two tokens, ordered by the ranks of the parts. The parts are looked up by their
        // bytes (a token's id is its rank), not spelled in the byte-level alphabet.
        var byBytes = ByteKeyTable(capacity: ranked.count)
        for entry in ranked {
            entry.token.withUnsafeBufferPointer { _ = byBytes.insert($0.baseAddress!, $0.count, UInt64(entry.rank)) }
        }
        var merges: [(UInt32, UInt32, UInt32)] = []
        merges.reserveCapacity(2 * ranked.count)
        var local: [(UInt32, UInt32)] = []
        for entry in ranked where entry.token.count > 1 {
            local.removeAll(keepingCapacity: true)
            entry.token.withUnsafeBufferPointer { t in
                let p = t.baseAddress!
                for cut in 1..<t.count {
                    if let l = byBytes.find(p, cut), let r = byBytes.find(p + cut, t.count - cut) {
                        local.append((UInt32(truncatingIfNeeded: l), UInt32(truncatingIfNeeded: r)))
                    }
                }
            }
            local.sort { ($0.0, $0.1) < ($1.0, $1.1) }
            for (l, r) in local { merges.append((l, r, UInt32(entry.rank))) }
        }
        let model = BPEModel(vocabulary: vocabulary, idMerges: merges, ignoreMerges: true)
        let split = try TextPattern.regex(pattern.regex)
        let pipeline = ComponentPipeline(
            preTokenizer: SequencePreTokenizer(preTokenizers: [
                SplitPreTokenizer(pattern: split, behavior: .isolated, invert: false),
                ByteLevelPreTokenizerComponent(addPrefixSpace: false, trimOffsets: true, useRegex: false),
            ]),
            postProcessor: ByteLevelPostProcessor(addPrefixSpace: true, trimOffsets: false, useRegex: true),
            decoder: ClassicDecoder(decoder: .byteLevel))
        return TokenizerFile.fastShape(model: .bpe(model), added: [], pipeline: pipeline)
            ?? Tokenizer(model: .bpe(model), addedTokens: [], pipeline: pipeline)
    }
}
