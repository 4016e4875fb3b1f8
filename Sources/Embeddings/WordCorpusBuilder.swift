import ArtifactIO
import TextNormalization

/// Turns text files into a word-level ``TrainingCorpus`` (rows: words in descending frequency).
///
/// Each file is read in chunks (`TextChunkReader`: UTF-8 checked, errors with byte offsets),
/// normalized with ``normalizer`` (default NFKC + lowercase), and every line is one sentence.
/// Words are the pieces of `BertPreTokenizer` — split on whitespace, every punctuation
/// character its own piece, CJK ideographs one piece each — with the punctuation pieces dropped:
/// `"Don't stop, Lord's"` gives `don t stop lord s`. Words seen fewer than ``minCount`` times are
/// dropped from the sentences (the window then spans over them, as in word2vec.c and gensim).
///
/// The optional word dump (one sentence per line, words separated by single spaces, all words
/// before the min-count filter) is exactly the stream to give gensim's `LineSentence` for a
/// like-for-like comparison.
public struct WordCorpusBuilder: Sendable {
    /// The normalization applied before splitting.
    public var normalizer: Normalizer
    /// Words seen fewer times are not trained.
    public var minCount: Int
    /// Longest sentence, in words (longer lines are cut, as gensim cuts at 10,000).
    public var maxSentenceLength: Int

    /// Creates a builder.
    public init(normalizer: Normalizer = Normalizer(form: .nfkc, lowercase: true), minCount: Int = 5, maxSentenceLength: Int = 10_000) {
        self.normalizer = normalizer
        self.minCount = minCount
        self.maxSentenceLength = maxSentenceLength
    }

    // MARK: Building

    /// Reads `files` and builds the corpus; `dump` receives the word stream when given.
    public func build(files: [String], dump: AtomicFileWriter? = nil) throws -> TrainingCorpus {
        for path in files { try TextChunkReader.checkReadable(path) }
        var scanner = Scanner()
        for path in files {
            let reader = try TextChunkReader(path: path)
            var normalized: [UInt8] = []
            var scratch = NormalizationScratch()
            try reader.forEachChunk { chunk, _ in
                normalized.removeAll(keepingCapacity: true)
                normalizer.normalize(chunk, into: &normalized, scratch: &scratch)
                try normalized.withUnsafeBufferPointer { try scanner.scan($0, dump: dump) }
            }
        }
        return try scanner.corpus(minCount: minCount, maxSentenceLength: maxSentenceLength)
    }

    /// Builds the corpus from text in memory (for tests and small inputs).
    public func build(text: String) throws -> TrainingCorpus {
        var scanner = Scanner()
        var normalized: [UInt8] = []
        var scratch = NormalizationScratch()
        var copy = text
        copy.withUTF8 { normalizer.normalize($0, into: &normalized, scratch: &scratch) }
        try normalized.withUnsafeBufferPointer { try scanner.scan($0, dump: nil) }
        return try scanner.corpus(minCount: minCount, maxSentenceLength: maxSentenceLength)
    }

    /// Whether `piece` (one BERT piece) is a punctuation character: BERT's ASCII punctuation
    /// (`!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~`) or a scalar of general category P*.
    static func isPunctuation(_ piece: UnsafeBufferPointer<UInt8>) -> Bool {
        if piece.count == 1 {
            let b = piece[0]
            return (b >= 0x21 && b <= 0x2F) || (b >= 0x3A && b <= 0x40) || (b >= 0x5B && b <= 0x60) || (b >= 0x7B && b <= 0x7E)
        }
        guard piece.count <= 4, piece[0] >= 0xC0,
            UTF8Validation.sequenceLength(piece.baseAddress!, at: 0, end: piece.count) == piece.count
        else { return false }
        let scalar = UTF8Validation.decode(piece.baseAddress!, at: 0, length: piece.count)
        return CharacterClass.of(scalar).contains(.punctuation)
    }

    // MARK: Counting

    /// Words seen so far: provisional ids in first-seen order, their counts, the id stream.
    private struct Scanner {
        var index: [String: Int32] = [:]
        var words: [String] = []
        var counts: [Int] = []
        var stream: [Int32] = []
        var starts: [Int] = [0]
        var pieces: [Range<Int>] = []
        var line: [UInt8] = []
        let splitter = BertPreTokenizer()

        mutating func scan(_ text: UnsafeBufferPointer<UInt8>, dump: AtomicFileWriter?) throws {
            guard let base = text.baseAddress else { return }
            var p = 0
            let n = text.count
            while p < n {
                var e = p
                while e < n && base[e] != 0x0A { e += 1 }
                pieces.removeAll(keepingCapacity: true)
                let lineBytes = UnsafeBufferPointer(start: base + p, count: e - p)
                splitter.split(lineBytes, into: &pieces)
                line.removeAll(keepingCapacity: true)
                for range in pieces {
                    let piece = UnsafeBufferPointer(rebasing: lineBytes[range])
                    if WordCorpusBuilder.isPunctuation(piece) { continue }
                    let word = String(decoding: piece, as: UTF8.self)
                    let id: Int32
                    if let known = index[word] {
                        id = known
                        counts[Int(id)] += 1
                    } else {
                        id = Int32(words.count)
                        index[word] = id
                        words.append(word)
                        counts.append(1)
                    }
                    stream.append(id)
                    if dump != nil {
                        if !line.isEmpty { line.append(0x20) }
                        line.append(contentsOf: piece)
                    }
                }
                if stream.count > starts[starts.count - 1] { starts.append(stream.count) }
                if let dump, !line.isEmpty {
                    line.append(0x0A)
                    try dump.write(line)
                }
                p = e + 1
            }
        }

        /// Keeps words of at least `minCount`, sorted by descending count (ties: first seen first).
        func corpus(minCount: Int, maxSentenceLength: Int) throws -> TrainingCorpus {
            let order = words.indices.filter { counts[$0] >= minCount }.sorted {
                counts[$0] > counts[$1] || (counts[$0] == counts[$1] && $0 < $1)
            }
            guard !order.isEmpty else { throw EmbeddingsError.emptyVocabulary(minCount: minCount, distinctWords: words.count) }
            var remap = [Int32](repeating: -1, count: words.count)
            for (row, old) in order.enumerated() { remap[old] = Int32(row) }
            var ids: [Int32] = []
            ids.reserveCapacity(stream.count)
            var sentenceStarts = [0]
            for s in 0..<(starts.count - 1) {
                var length = 0
                for k in starts[s]..<starts[s + 1] {
                    let row = remap[Int(stream[k])]
                    if row < 0 { continue }
                    ids.append(row)
                    length += 1
                    if length == maxSentenceLength { sentenceStarts.append(ids.count); length = 0 }
                }
                if length > 0 { sentenceStarts.append(ids.count) }
            }
            if sentenceStarts.count == 1 { sentenceStarts.append(0) }
            return TrainingCorpus(
                tokens: order.map { words[$0] }, counts: order.map { counts[$0] }, ids: ids, sentenceStarts: sentenceStarts)
        }
    }
}
