/// Where text in SentencePiece's whitespace form (spaces as `▁`, U+2581) splits into words that
/// no piece of a SentencePiece model and no merge of a SentencePiece-style BPE joins: before each
/// `▁` whose previous character is not `▁` (never at the start).
enum MetaspaceCuts {
    /// Calls `body` with each cut of the `n` bytes at `base` (a byte offset), in increasing order.
    @inline(__always)
    static func forEach(_ base: UnsafePointer<UInt8>, _ n: Int, _ body: (Int) -> Void) {
        var k = 1
        while k + 3 <= n {
            if base[k] == 0xE2 && base[k + 1] == 0x96 && base[k + 2] == 0x81 {
                if !(k >= 3 && base[k - 3] == 0xE2 && base[k - 2] == 0x96 && base[k - 1] == 0x81) { body(k) }
                k += 3
            } else {
                k += 1
            }
        }
    }

    /// Calls `body(start, end)` for each part of the `n` bytes at `base`: cut at each cut when
    /// `cutting`, else the whole (nothing when `n` is 0).
    @inline(__always)
    static func forEachPart(_ base: UnsafePointer<UInt8>, _ n: Int, cutting: Bool, _ body: (Int, Int) -> Void) {
        var start = 0
        if cutting {
            forEach(base, n) { cut in
                body(start, cut)
                start = cut
            }
        }
        if n > start { body(start, n) }
    }
}
