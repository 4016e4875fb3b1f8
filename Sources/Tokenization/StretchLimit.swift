import CICU
import TextNormalization

/// Where a long stretch of text with no safe cut point must be cut anyway, so that `count`,
/// `encode` and `train-tokenizer` hold at most about ``limit`` bytes of one line in memory.
///
/// A *safe* cut point is one where cutting the text does not change its words (see
/// ``CorpusEncoder/safeCut(_:before:notBefore:spaces:)``): after a lone line end between
/// printable characters, after any line feed when `lineEnds` (the word counter reads lines), and
/// before a space between printable characters when `spaces` (pre-tokenizers that start a word
/// there). Text is only ever cut elsewhere when more than ``limit`` bytes follow the last safe
/// point: it is then cut at the last character boundary at most ``limit`` bytes after it
/// (preferring a character that starts a normalization boundary in NFC and NFKC), and again every
/// ``limit`` bytes while no safe point comes. So a word longer than ``limit`` (256 KiB by default,
/// e.g. 100 MB of `a` or of one Hangul syllable) is counted and encoded as pieces of at most
/// ``limit`` bytes, each a word of its own: no token spans a cut. Text whose safe points are
/// closer than ``limit`` is never cut elsewhere, so it encodes exactly as a whole.
///
/// The state is the position of the last cut; callers hand the text they still hold with its
/// absolute offset in the document (they may drop text up to any safe point they choose).
struct StretchLimit {
    /// The longest stretch without a safe point, in bytes.
    let limit: Int
    /// Whether a space between printable characters is a safe point.
    let spaces: Bool
    /// Whether every line feed ends a safe stretch (line-by-line readers).
    let lineEnds: Bool
    /// Absolute offset of the last safe point or cut.
    private var stretchStart = 0

    /// The default ``limit``: 256 KiB (merging a word of that length takes about 20 MB).
    static let defaultLimit = 1 << 18

    init(limit: Int = StretchLimit.defaultLimit, spaces: Bool, lineEnds: Bool = false) {
        self.limit = max(limit, 8)
        self.spaces = spaces
        self.lineEnds = lineEnds
    }

    /// Starts a new document (its first byte is a safe point).
    mutating func reset() { stretchStart = 0 }

    /// The next absolute offset where the text must be cut, given the text held from absolute
    /// offset `origin`, or `nil` while no stretch is longer than the limit. The caller cuts there
    /// (encodes or counts the text before it on its own) and asks again.
    mutating func nextCut(_ text: UnsafeBufferPointer<UInt8>, origin: Int) -> Int? {
        guard let base = text.baseAddress else { return nil }
        stretchStart = max(stretchStart, origin)
        let end = origin + text.count
        // One byte of lookahead past the window: the rules look at the byte after a point.
        while end - stretchStart > limit + 1 {
            let windowEnd = stretchStart + limit
            if let safe = lastSafePoint(base, origin: origin, count: text.count, from: windowEnd, above: stretchStart) {
                stretchStart = safe
                continue
            }
            let cut = characterBoundary(base, origin: origin, count: text.count, at: windowEnd, above: stretchStart)
            stretchStart = cut
            return cut
        }
        return nil
    }

    /// The last safe point `p` with `floor < p <= from` (absolute offsets), or `nil`.
    private func lastSafePoint(_ base: UnsafePointer<UInt8>, origin: Int, count: Int, from: Int, above floor: Int) -> Int? {
        @inline(__always) func printable(_ b: UInt8) -> Bool { b > 0x20 && b < 0x7F }
        var i = from - origin
        let low = max(floor - origin + 1, 2)
        while i >= low {
            let previous = base[i - 1]
            if previous == 0x0A {
                if lineEnds || (printable(base[i - 2]) && i < count && printable(base[i])) { return origin + i }
            } else if spaces && base[i] == 0x20 && printable(previous) && i + 1 < count && printable(base[i + 1]) {
                return origin + i
            } else if previous == 0x0D && base[i] == 0x0A && printable(base[i - 2]) && i + 1 < count && printable(base[i + 1]) {
                return origin + i
            }
            i -= 1
        }
        return nil
    }

    /// A character boundary `b` with `floor < b <= at` (absolute): the last one before a
    /// character with a normalization boundary before it within 64 bytes, else the last one.
    private func characterBoundary(_ base: UnsafePointer<UInt8>, origin: Int, count: Int, at: Int, above floor: Int) -> Int {
        var i = at - origin
        let low = floor - origin + 1
        var firstBoundary: Int? = nil
        while i >= low && i > at - origin - 64 {
            let b = base[i]
            if b & 0xC0 != 0x80 {
                if firstBoundary == nil { firstBoundary = i }
                if b < 0x80 { return origin + i }
                let length = UTF8Validation.sequenceLength(base, at: i, end: count)
                if length > 0 {
                    let scalar = Int32(bitPattern: UTF8Validation.decode(base, at: i, length: length))
                    if tsr_has_boundary_before(Int32(TSR_FORM_NFKC), scalar) != 0
                        && tsr_has_boundary_before(Int32(TSR_FORM_NFC), scalar) != 0
                    {
                        return origin + i
                    }
                }
            }
            i -= 1
        }
        if let firstBoundary { return origin + firstBoundary }
        // Not valid UTF-8 here (cannot happen for checked text): cut at the limit.
        return at
    }
}
