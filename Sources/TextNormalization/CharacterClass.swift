import CICU

/// The pre-tokenizers' view of a code point: a set of Unicode property bits.
public struct CharacterClass: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// General category L* (`\p{L}`).
    public static let letter = CharacterClass(rawValue: UInt8(TSR_CLASS_LETTER))
    /// General category N* (`\p{N}`).
    public static let number = CharacterClass(rawValue: UInt8(TSR_CLASS_NUMBER))
    /// The White_Space property (`\s`).
    public static let whitespace = CharacterClass(rawValue: UInt8(TSR_CLASS_WHITESPACE))
    /// General category P*.
    public static let punctuation = CharacterClass(rawValue: UInt8(TSR_CLASS_PUNCTUATION))
    /// General category Mn.
    public static let nonspacingMark = CharacterClass(rawValue: UInt8(TSR_CLASS_NONSPACING))
    /// General category C* (control, format, surrogate, private use, unassigned).
    public static let other = CharacterClass(rawValue: UInt8(TSR_CLASS_OTHER))
    /// BERT's CJK ideograph ranges.
    public static let cjk = CharacterClass(rawValue: UInt8(TSR_CLASS_CJK))

    /// The class of `scalar`: a table lookup in the Basic Multilingual Plane, ICU above it.
    @inline(__always)
    public static func of(_ scalar: UInt32) -> CharacterClass {
        if scalar < 0x10000 { return CharacterClass(rawValue: CharacterClassTable.shared.bmp[Int(scalar)]) }
        return CharacterClass(rawValue: tsr_char_class(Int32(bitPattern: scalar)))
    }
}

/// The class bits of every BMP code point, computed once from ICU (about a millisecond).
final class CharacterClassTable: @unchecked Sendable {  // written once in init, read-only after
    static let shared = CharacterClassTable()
    let bmp: UnsafeMutablePointer<UInt8>

    private init() {
        bmp = .allocate(capacity: 0x10000)
        tsr_fill_char_class(bmp, 0, 0x10000)
    }
}
