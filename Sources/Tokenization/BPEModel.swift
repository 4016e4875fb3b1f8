import TextNormalization

/// A byte-pair-encoding model: a vocabulary and a ranked list of merges, applied to each
/// pre-tokenized word as Hugging Face's `BPE` model does (the lowest-ranked adjacent pair is
/// merged first, the leftmost when it occurs more than once).
///
/// In byte-level mode the initial symbols are the word's bytes, looked up as their
/// `ByteLevelAlphabet` characters; otherwise they are its characters (with the optional
/// continuing-subword prefix and end-of-word suffix).
///
/// ```swift
/// let model = try BPEModel(vocabulary: v, merges: [("Ġ", "t"), ("h", "e")])
/// ```
public struct BPEModel: Sendable {
    // MARK: State

    /// The tokens.
    public private(set) var vocabulary: Vocabulary
    /// The merges in rank order, as ids.
    public private(set) var merges: [MergePair]
    /// Pair → rank << 32 | merged id. A pair listed twice keeps its last rank, as in Hugging Face.
    var mergeTable: PairTable
    /// The merge table's pairs, to tell most pairs that do not merge without a table lookup.
    let pairFilter: KeyFilter
    /// The bytes of each token in the byte-level alphabet (``ByteKeyTable/hash(_:_:)``), to tell
    /// most words that are not a token without spelling them in the alphabet for the
    /// vocabulary lookup (`ignoreMerges`); nil when the model was made without `ignoreMerges`.
    let byteLevelTokens: KeyFilter?
    /// Per-character pre-merging of byte-level words, where every byte is a token.
    private(set) var premerge: CharacterPremerge?
    /// The unknown token, used for characters outside the vocabulary.
    public var unknownToken: String? { didSet { unknownID = unknownToken.flatMap { vocabulary.id(for: $0) } } }
    /// The unknown token's id, when it is in the vocabulary.
    private var unknownID: UInt32?
    /// The id of each byte's `<0xXX>` token (`UInt32.max` when absent), for `byteFallback`.
    private let fallbackIDs: [UInt32]
    /// Prefix of tokens that continue a word (e.g. `##`).
    public var continuingSubwordPrefix: String?
    /// Suffix of tokens that end a word (e.g. `</w>`).
    public var endOfWordSuffix: String?
    /// Fuse consecutive unknown characters into one unknown token.
    public var fuseUnknown: Bool
    /// Spell characters outside the vocabulary as `<0xXX>` byte tokens.
    public var byteFallback: Bool
    /// Take a word that is in the vocabulary as it is, without merging.
    public var ignoreMerges: Bool
    /// The id of each byte's alphabet character (`UInt32.max` when absent).
    let byteIDs: [UInt32]
    /// Whether `▁` (U+2581) is a token and no merge joins a symbol that ends in another
    /// character to one that starts with `▁` (true of BPE models trained by SentencePiece, which
    /// splits at whitespace). Then BPE over a text equals BPE over its parts cut before each `▁`
    /// that follows another character, concatenated: no merge crosses such a cut, merges on one
    /// side do not change the pairs on the other, and an unknown run cannot span the known `▁`.
    package let keepsMetaspaceWords: Bool

    /// A merge: two ids.
    public struct MergePair: Sendable, Hashable {
        /// Left and right ids.
        public var left: UInt32, right: UInt32
        /// Creates a merge.
        public init(_ left: UInt32, _ right: UInt32) { self.left = left; self.right = right }
    }

    // MARK: Creating

    /// Creates a model from a vocabulary and merges given as token strings; throws when a merge
    /// names a token (or makes one) outside the vocabulary.
    public init(
        vocabulary: Vocabulary, merges: [(String, String)], unknownToken: String? = nil,
        continuingSubwordPrefix: String? = nil, endOfWordSuffix: String? = nil,
        fuseUnknown: Bool = false, byteFallback: Bool = false, ignoreMerges: Bool = false,
        source: String = "BPE model"
    ) throws {
        var idMerges: [(UInt32, UInt32, UInt32)] = []
        idMerges.reserveCapacity(merges.count)
        let prefixCount = continuingSubwordPrefix?.unicodeScalars.count ?? 0
        for (rank, (a, b)) in merges.enumerated() {
            guard let ia = vocabulary.id(for: a) else { throw TokenizerError.unknownMergeToken(source: source, line: rank + 1, token: a) }
            guard let ib = vocabulary.id(for: b) else { throw TokenizerError.unknownMergeToken(source: source, line: rank + 1, token: b) }
            let merged = a + String(String.UnicodeScalarView(b.unicodeScalars.dropFirst(prefixCount)))
            guard let im = vocabulary.id(for: merged) else {
                throw TokenizerError.unknownMergeToken(source: source, line: rank + 1, token: merged)
            }
            idMerges.append((ia, ib, im))
        }
        self.init(
            vocabulary: vocabulary, idMerges: idMerges, unknownToken: unknownToken, continuingSubwordPrefix: continuingSubwordPrefix,
            endOfWordSuffix: endOfWordSuffix, fuseUnknown: fuseUnknown, byteFallback: byteFallback, ignoreMerges: ignoreMerges)
    }

    /// Creates a model from merges already given as ids — left, right and the merged token — in
    /// rank order (ids inside `vocabulary`; for readers that found them without token strings).
    package init(
        vocabulary: Vocabulary, idMerges: [(UInt32, UInt32, UInt32)], unknownToken: String? = nil,
        continuingSubwordPrefix: String? = nil, endOfWordSuffix: String? = nil,
        fuseUnknown: Bool = false, byteFallback: Bool = false, ignoreMerges: Bool = false
    ) {
        self.vocabulary = vocabulary
        self.unknownToken = unknownToken
        self.unknownID = unknownToken.flatMap { vocabulary.id(for: $0) }
        self.fallbackIDs = vocabulary.byteFallbackIDs
        self.continuingSubwordPrefix = continuingSubwordPrefix
        self.endOfWordSuffix = endOfWordSuffix
        self.fuseUnknown = fuseUnknown
        self.byteFallback = byteFallback
        self.ignoreMerges = ignoreMerges
        var table = PairTable(capacity: idMerges.count)
        var pairs: [MergePair] = []
        pairs.reserveCapacity(idMerges.count)
        var keepsWords = vocabulary.id(for: "\u{2581}") != nil
        let tokens = vocabulary.tokens
        for (rank, (ia, ib, im)) in idMerges.enumerated() {
            if keepsWords && tokens[Int(ib)].unicodeScalars.first == "\u{2581}" && tokens[Int(ia)].unicodeScalars.last != "\u{2581}" {
                keepsWords = false
            }
            table.set(PairTable.key(ia, ib), UInt64(rank) << 32 | UInt64(im))
            pairs.append(MergePair(ia, ib))
        }
        self.merges = pairs
        self.mergeTable = table
        self.keepsMetaspaceWords = keepsWords
        self.pairFilter = KeyFilter(keys: pairs.map { PairTable.key($0.left, $0.right) })
        self.byteLevelTokens =
            ignoreMerges
            ? KeyFilter(
                keys: vocabulary.tokens.compactMap { token in
                    guard let bytes = ByteLevelAlphabet.decode(token), !bytes.isEmpty else { return nil }
                    return bytes.withUnsafeBufferPointer { ByteKeyTable.hash($0.baseAddress!, $0.count) }
                }) : nil
        let byteIDs = (0..<256).map { vocabulary.id(for: ByteLevelAlphabet.encode([UInt8($0)])) ?? UInt32.max }
        self.byteIDs = byteIDs
        let finalTable = table
        self.premerge =
            byteIDs.contains(.max)
            ? nil
            : CharacterPremerge(tokens: vocabulary.tokens, merges: pairs, byteIDs: byteIDs) { a, b in
                finalTable.find(PairTable.key(a, b)) ?? .max
            }
    }

    /// Whether byte-level words start with some characters merged (``CharacterPremerge``).
    package var premergesCharacters: Bool { premerge != nil }

    /// Whether `scalar` (below U+10000) merges alone, so that a byte-level word may start with it
    /// merged where its neighbours allow.
    package func premerges(_ scalar: Unicode.Scalar) -> Bool {
        guard let premerge, scalar.value >= 0x80, scalar.value < 0x10000 else { return false }
        return premerge.entry(Int(scalar.value)) & (1 << 7) != 0
    }

    /// The same model without ``CharacterPremerge`` (every byte-level word starts as its bytes).
    package var withoutCharacterPremerge: BPEModel {
        var copy = self
        copy.premerge = nil
        return copy
    }

    /// The merges as token strings.
    public var mergeStrings: [(String, String)] {
        merges.map { (vocabulary.tokens[Int($0.left)], vocabulary.tokens[Int($0.right)]) }
    }

    // MARK: Encoding

    /// Reusable buffers for ``encodeWord(_:byteLevel:scratch:ids:ends:)``.
    package struct Scratch {
        var symbols: [UInt32] = []
        var lengths: [UInt32] = []
        /// Per adjacent pair: its merge (rank << 32 | merged id), or `UInt64.max`.
        var ranks: [UInt64] = []
        var key: [UInt8] = []
        package init() {}
    }

    /// Encodes one word, appending its ids and, for each, the byte offset in `word` where it ends.
    package func encodeWord(
        _ word: UnsafeBufferPointer<UInt8>, byteLevel: Bool, scratch: inout Scratch,
        ids: inout [UInt32], ends: inout [UInt32]
    ) {
        guard let base = word.baseAddress, !word.isEmpty else { return }
        let n = word.count
        scratch.symbols.removeAll(keepingCapacity: true)
        scratch.lengths.removeAll(keepingCapacity: true)
        let unknownID = self.unknownID
        if byteLevel {
            if ignoreMerges && byteLevelTokens?.mayContain(ByteKeyTable.hash(base, n)) != false {
                scratch.key.removeAll(keepingCapacity: true)
                ByteLevelAlphabet.append(word, to: &scratch.key)
                if let id = scratch.key.withUnsafeBufferPointer({ vocabulary.id(bytes: $0.baseAddress!, count: $0.count) }) {
                    ids.append(id); ends.append(UInt32(n)); return
                }
            }
            if let premerge {
                initialByteSymbols(base, n, premerge, scratch: &scratch)
            } else {
                var lastWasUnknown = false
                for i in 0..<n {
                    let id = byteIDs[Int(base[i])]
                    if id != .max {
                        scratch.symbols.append(id); scratch.lengths.append(1); lastWasUnknown = false
                    } else if let unk = unknownID {
                        if fuseUnknown && lastWasUnknown {
                            scratch.lengths[scratch.lengths.count - 1] += 1
                        } else {
                            scratch.symbols.append(unk); scratch.lengths.append(1)
                        }
                        lastWasUnknown = true
                    } else if let last = scratch.lengths.indices.last {
                        scratch.lengths[last] += 1  // dropped, but its bytes stay covered by the previous token's offsets
                    }
                }
            }
        } else {
            if ignoreMerges, let id = vocabulary.id(bytes: base, count: n) {
                ids.append(id); ends.append(UInt32(n)); return
            }
            initialCharacterSymbols(base, n, unknownID: unknownID, scratch: &scratch)
        }
        mergeSymbols(&scratch)
        var end: UInt32 = 0
        for k in 0..<scratch.symbols.count {
            end += scratch.lengths[k]
            ids.append(scratch.symbols[k])
            ends.append(end)
        }
    }

    /// The initial symbols of a byte-level word when every byte is a token: its bytes, except
    /// that a two- or three-byte character starts as its merged symbols where
    /// ``CharacterPremerge`` shows that gives the same result.
    private func initialByteSymbols(_ base: UnsafePointer<UInt8>, _ n: Int, _ premerge: CharacterPremerge, scratch: inout Scratch) {
        var i = 0
        while i < n {
            let b = base[i]
            if b >= 0xC2 && b <= 0xEF {
                // Well-formed only (an overlong or surrogate form would share a code point).
                let length = UTF8Validation.sequenceLength(base, at: i, end: n)
                if length == 2 || length == 3 {
                    let entry = premerge.entry(Int(UTF8Validation.decode(base, at: i, length: length)))
                    if CharacterPremerge.mayMerge(entry, after: i > 0 ? base[i - 1] : nil, before: i + length < n ? base[i + length] : nil) {
                        let count = Int(entry & 3)
                        for k in 0..<count { scratch.symbols.append(UInt32(truncatingIfNeeded: (entry >> UInt64(8 + 18 * k)) & 0x3FFFF)) }
                        if count == 1 {
                            scratch.lengths.append(UInt32(length))
                        } else {
                            let firstLength: UInt32 = entry & 4 != 0 ? 2 : 1
                            scratch.lengths.append(firstLength)
                            scratch.lengths.append(UInt32(length) - firstLength)
                        }
                        i += length
                        continue
                    }
                }
            }
            scratch.symbols.append(byteIDs[Int(b)])
            scratch.lengths.append(1)
            i += 1
        }
    }

    private func initialCharacterSymbols(_ base: UnsafePointer<UInt8>, _ n: Int, unknownID: UInt32?, scratch: inout Scratch) {
        let affixed = continuingSubwordPrefix != nil || endOfWordSuffix != nil
        let prefix = continuingSubwordPrefix.map { Array($0.utf8) } ?? []
        let suffix = endOfWordSuffix.map { Array($0.utf8) } ?? []
        var i = 0
        var lastWasUnknown = false
        while i < n {
            var len = UTF8Validation.sequenceLength(base, at: i, end: n)
            if len == 0 { len = 1 }
            let found: UInt32?
            if affixed {
                scratch.key.removeAll(keepingCapacity: true)
                if i > 0 { scratch.key.append(contentsOf: prefix) }
                scratch.key.append(contentsOf: UnsafeBufferPointer(start: base + i, count: len))
                if i + len == n { scratch.key.append(contentsOf: suffix) }
                found = scratch.key.withUnsafeBufferPointer { vocabulary.id(bytes: $0.baseAddress!, count: $0.count) }
            } else {
                found = vocabulary.id(bytes: base + i, count: len)
            }
            if let id = found {
                scratch.symbols.append(id); scratch.lengths.append(UInt32(len)); lastWasUnknown = false
            } else if byteFallback, let ids = byteFallbackIDs(base + i, len) {
                for (k, id) in ids.enumerated() { scratch.symbols.append(id); scratch.lengths.append(k == 0 ? UInt32(len) : 0) }
                lastWasUnknown = false
            } else if let unk = unknownID {
                if fuseUnknown && lastWasUnknown {
                    scratch.lengths[scratch.lengths.count - 1] += UInt32(len)
                } else {
                    scratch.symbols.append(unk); scratch.lengths.append(UInt32(len))
                }
                lastWasUnknown = true
            } else if let last = scratch.lengths.indices.last {
                scratch.lengths[last] += UInt32(len)
            }
            i += len
        }
    }

    private func byteFallbackIDs(_ p: UnsafePointer<UInt8>, _ len: Int) -> [UInt32]? {
        var out: [UInt32] = []
        for k in 0..<len {
            let id = fallbackIDs[Int(p[k])]
            guard id != .max else { return nil }
            out.append(id)
        }
        return out
    }

    /// Applies merges: repeatedly the lowest-ranked adjacent pair, leftmost first. Short words
    /// rescan their pairs after each merge; long ones use a heap (Hugging Face's algorithm), so a
    /// megabyte-long word costs O(n log n), not O(n²).
    private func mergeSymbols(_ s: inout Scratch) {
        let count = s.symbols.count
        guard count > 1 else { return }
        if count > 48 { mergeSymbolsWithHeap(&s); return }
        if s.ranks.count < count { s.ranks = [UInt64](repeating: 0, count: max(count, 2 * s.ranks.count)) }
        let remaining = s.symbols.withUnsafeMutableBufferPointer { sym -> Int in
            s.lengths.withUnsafeMutableBufferPointer { len in
                s.ranks.withUnsafeMutableBufferPointer { rk in
                    for k in 0..<(count - 1) { rk[k] = merge(sym[k], sym[k + 1]) }
                    var n = count
                    while n > 1 {
                        // The lowest rank, leftmost (a pair's value orders by rank first).
                        var best = UInt64.max, at = -1
                        for k in 0..<(n - 1) where rk[k] < best { best = rk[k]; at = k }
                        if at < 0 { break }
                        sym[at] = UInt32(truncatingIfNeeded: best)
                        len[at] += len[at + 1]
                        // Close the gap at at+1.
                        for k in (at + 1)..<(n - 1) { sym[k] = sym[k + 1]; len[k] = len[k + 1] }
                        for k in (at + 1)..<max(at + 1, n - 2) { rk[k] = rk[k + 1] }
                        n -= 1
                        if at > 0 { rk[at - 1] = merge(sym[at - 1], sym[at]) }
                        if at < n - 1 { rk[at] = merge(sym[at], sym[at + 1]) }
                    }
                    return n
                }
            }
        }
        s.symbols.removeLast(count - remaining)
        s.lengths.removeLast(count - remaining)
    }

    /// The heap version of ``mergeSymbols(_:)``: symbols in a linked list, candidate merges in a
    /// min-heap by (rank, position), stale candidates skipped when popped.
    private func mergeSymbolsWithHeap(_ s: inout Scratch) {
        let n = s.symbols.count
        var sym = s.symbols, len = s.lengths
        var alive = [Bool](repeating: true, count: n)
        var prev = (0..<n).map { $0 - 1 }
        var next = (0..<n).map { $0 + 1 < n ? $0 + 1 : -1 }
        var heap = CandidateHeap()
        for i in 0..<(n - 1) {
            let r = rank(sym[i], sym[i + 1])
            if r != .max { heap.push(rank: r, position: i) }
        }
        while let (r, i) = heap.pop() {
            // Skip candidates whose symbols have changed since they were pushed.
            guard alive[i], next[i] >= 0 else { continue }
            let j = next[i]
            let merged = merge(sym[i], sym[j])
            guard merged != .max, UInt32(truncatingIfNeeded: merged >> 32) == r else { continue }
            sym[i] = UInt32(truncatingIfNeeded: merged)
            len[i] += len[j]
            alive[j] = false
            next[i] = next[j]
            if next[j] >= 0 { prev[next[j]] = i }
            if prev[i] >= 0 {
                let pr = rank(sym[prev[i]], sym[i])
                if pr != .max { heap.push(rank: pr, position: prev[i]) }
            }
            if next[i] >= 0 {
                let nr = rank(sym[i], sym[next[i]])
                if nr != .max { heap.push(rank: nr, position: i) }
            }
        }
        s.symbols.removeAll(keepingCapacity: true)
        s.lengths.removeAll(keepingCapacity: true)
        var i = 0
        while i >= 0 {
            s.symbols.append(sym[i])
            s.lengths.append(len[i])
            i = next[i]
        }
    }

    /// The merge of the pair: rank << 32 | merged id, or `UInt64.max` when the pair does not merge.
    @inline(__always)
    private func merge(_ a: UInt32, _ b: UInt32) -> UInt64 {
        let key = PairTable.key(a, b)
        guard pairFilter.mayContain(key) else { return .max }
        return mergeTable.find(key) ?? .max
    }

    /// The rank of the pair's merge, or `UInt32.max` when it does not merge.
    @inline(__always)
    private func rank(_ a: UInt32, _ b: UInt32) -> UInt32 { UInt32(truncatingIfNeeded: merge(a, b) >> 32) }
}
