/// GPT-2's map from the 256 byte values to printable Unicode characters, and back.
///
/// Bytes `!`…`~`, `¡`…`¬` and `®`…`ÿ` stand for themselves; the other 68 bytes map, in order,
/// to U+0100 onwards (so a space is `Ġ`, a line feed `Ċ`). Byte-level BPE vocabularies are
/// written in this alphabet.
///
/// ```swift
/// ByteLevelAlphabet.encode(Array(" hé".utf8))   // "ĠhÃ©"
/// ByteLevelAlphabet.decode("ĠhÃ©")              // [0x20, 0x68, 0xC3, 0xA9]
/// ```
public enum ByteLevelAlphabet {
    /// The character (as a Unicode scalar value) that stands for each byte.
    public static let scalars: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 256)
        var next: UInt32 = 256
        for b in 0..<256 {
            if (0x21...0x7E).contains(b) || (0xA1...0xAC).contains(b) || (0xAE...0xFF).contains(b) {
                table[b] = UInt32(b)
            } else {
                table[b] = next
                next += 1
            }
        }
        return table
    }()

    /// The UTF-8 encoding of each byte's character (one or two bytes).
    public static let utf8: [[UInt8]] = scalars.map { Array(String(Character(Unicode.Scalar($0)!)).utf8) }

    /// The byte each alphabet character stands for, indexed by scalar value (0…323); -1 elsewhere.
    static let reverse: [Int16] = {
        var table = [Int16](repeating: -1, count: 324)
        for (b, s) in scalars.enumerated() { table[Int(s)] = Int16(b) }
        return table
    }()

    /// Maps bytes to their printable characters.
    public static func encode<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        var out: [UInt8] = []
        for b in bytes { out.append(contentsOf: utf8[Int(b)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the alphabet encoding of `bytes` to `output`.
    public static func append(_ bytes: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
        for b in bytes { output.append(contentsOf: utf8[Int(b)]) }
    }

    /// The byte a character stands for, or `nil` if it is not in the alphabet.
    @inline(__always)
    public static func byte(for scalar: Unicode.Scalar) -> UInt8? {
        let v = Int(scalar.value)
        guard v < reverse.count, reverse[v] >= 0 else { return nil }
        return UInt8(reverse[v])
    }

    /// Maps printable characters back to bytes; `nil` if a character is not in the alphabet.
    public static func decode(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            guard let b = byte(for: scalar) else { return nil }
            out.append(b)
        }
        return out
    }
}
