import CICU

/// Steps through UTF-8 bytes one scalar at a time, giving each scalar's ``CharacterClass`` bits.
///
/// Invalid bytes count as one-byte scalars of no class (neither letter, number nor space).
@usableFromInline
struct ScalarScanner {
    @usableFromInline let base: UnsafePointer<UInt8>
    @usableFromInline let count: Int
    @usableFromInline let table: UnsafeMutablePointer<UInt8>

    @usableFromInline
    init(_ text: UnsafeBufferPointer<UInt8>) {
        base = text.baseAddress ?? UnsafePointer(bitPattern: 1)!
        count = text.count
        table = CharacterClassTable.shared.bmp
    }

    /// The class bits and byte length of the scalar at `i`.
    @inline(__always) @usableFromInline
    func classAt(_ i: Int) -> (bits: UInt8, length: Int) {
        let b = base[i]
        if b < 0x80 { return (table[Int(b)], 1) }
        let length = UTF8Validation.sequenceLength(base, at: i, end: count)
        if length == 0 { return (0, 1) }
        let scalar = UTF8Validation.decode(base, at: i, length: length)
        if scalar < 0x10000 { return (table[Int(scalar)], length) }
        return (tsr_char_class(Int32(bitPattern: scalar)), length)
    }

    /// The end of the run of scalars starting at `i` whose bits intersect `mask` (or, with
    /// `inverted`, do not intersect it).
    @inline(__always) @usableFromInline
    func runEnd(from i: Int, mask: UInt8, inverted: Bool = false) -> Int {
        var k = i
        while k < count {
            let (bits, length) = classAt(k)
            if ((bits & mask) != 0) == inverted { break }
            k += length
        }
        return k
    }
}

extension UInt8 {
    /// Class bit constants as `UInt8`, for the scanners' masks.
    @usableFromInline static let letterBit = UInt8(TSR_CLASS_LETTER)
    @usableFromInline static let numberBit = UInt8(TSR_CLASS_NUMBER)
    @usableFromInline static let whitespaceBit = UInt8(TSR_CLASS_WHITESPACE)
    @usableFromInline static let punctuationBit = UInt8(TSR_CLASS_PUNCTUATION)
    @usableFromInline static let cjkBit = UInt8(TSR_CLASS_CJK)
}
