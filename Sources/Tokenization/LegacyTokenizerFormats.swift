import Foundation
import TextNormalization

/// The formats before `tokenizer.json`: WordPiece `vocab.txt` and GPT-2's `vocab.json` + `merges.txt`.
extension TokenizerFile {
    /// Loads GPT-2 style `vocab.json` + `merges.txt` as a byte-level BPE tokenizer (ByteLevel split
    /// and decoder, no added tokens — as Hugging Face's `BPE.from_file` with a ByteLevel pre-tokenizer).
    public static func loadVocabAndMerges(vocab: String, merges: String) throws -> Tokenizer {
        let map = try parseJSON(try readFile(vocab), source: vocab)
        guard map.pairs != nil else {
            throw TokenizerError.malformed(source: vocab, what: "expected a JSON object of token → id")
        }
        let vocabulary = try vocabularyFromMap(map, source: vocab)
        let mergeLines = String(decoding: try readFile(merges), as: UTF8.self).split(
            omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
        var pairs: [(String, String)] = []
        for (k, line) in mergeLines.enumerated() {
            if line.isEmpty || (k == 0 && line.hasPrefix("#version")) { continue }
            let parts = line.split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 2 else {
                throw TokenizerError.malformed(
                    source: merges, what: "line \(k + 1): expected two tokens separated by one space, found \(quoted(String(line)))")
            }
            pairs.append((String(parts[0]), String(parts[1])))
        }
        let model = try BPEModel(vocabulary: vocabulary, merges: pairs, source: merges)
        // As Hugging Face's BPE.from_file: no added tokens (so "<|endoftext|>" in text is plain text).
        return Tokenizer(preTokenization: .byteLevel(trimOffsets: false), model: .bpe(model), decoder: .byteLevel)
    }

    /// Loads a WordPiece `vocab.txt` (one token per line) with BERT uncased settings.
    public static func loadVocabTxt(_ path: String, lowercase: Bool = true) throws -> Tokenizer {
        let text = String(decoding: try readFile(path), as: UTF8.self)
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map {
            String($0.hasSuffix("\r") ? $0.dropLast() : $0)
        }
        if lines.last == "" { lines.removeLast() }
        let vocabulary = try Vocabulary(tokens: lines, source: path)
        let model = try WordPieceModel(vocabulary: vocabulary, source: path)
        var added: [AddedToken] = []
        for name in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] {
            if let id = vocabulary.id(for: name) { added.append(AddedToken(id: id, content: name)) }
        }
        let cls = added.first { $0.content == "[CLS]" }, sep = added.first { $0.content == "[SEP]" }
        return Tokenizer(
            normalizer: Normalizer(lowercase: lowercase, stripAccents: lowercase, clean: true),
            preTokenization: .bert(splitCJK: true), model: .wordPiece(model),
            postProcessor: PostProcessor(prefix: cls.map { [$0] } ?? [], suffix: sep.map { [$0] } ?? []),
            decoder: .wordPiece(prefix: "##", cleanup: true), addedTokens: added)
    }

}
