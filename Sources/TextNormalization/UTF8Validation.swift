/// Fast UTF-8 checks over byte buffers.
public enum UTF8Validation {
    /// Index of the first byte ≥ 0x80 in `base[from..<to]`, or `to` when there is none.
    @inlinable
    public static func firstNonASCII(_ base: UnsafePointer<UInt8>, from: Int, to: Int) -> Int {
        var i = from
        // Eight bytes at a time until the first word with a high bit.
        while i + 8 <= to {
            let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            if word & 0x8080_8080_8080_8080 != 0 { break }
            i += 8
        }
        while i < to && base[i] < 0x80 { i += 1 }
        return i
    }

    /// Length of the valid UTF-8 sequence starting at `base[i]`, or 0 if it is not valid there
    /// (overlong forms, surrogates, code points above U+10FFFF, truncation are all invalid).
    @inlinable
    public static func sequenceLength(_ base: UnsafePointer<UInt8>, at i: Int, end: Int) -> Int {
        let b0 = base[i]
        if b0 < 0x80 { return 1 }
        @inline(__always) func cont(_ k: Int) -> Bool { i + k < end && base[i + k] & 0xC0 == 0x80 }
        switch b0 {
        case 0xC2...0xDF:
            return cont(1) ? 2 : 0
        case 0xE0...0xEF:
            guard cont(1), cont(2) else { return 0 }
            let b1 = base[i + 1]
            if b0 == 0xE0 && b1 < 0xA0 { return 0 }  // overlong
            if b0 == 0xED && b1 >= 0xA0 { return 0 }  // surrogate
            return 3
        case 0xF0...0xF4:
            guard cont(1), cont(2), cont(3) else { return 0 }
            let b1 = base[i + 1]
            if b0 == 0xF0 && b1 < 0x90 { return 0 }  // overlong
            if b0 == 0xF4 && b1 >= 0x90 { return 0 }  // above U+10FFFF
            return 4
        default:
            return 0
        }
    }

    /// Offset of the first invalid byte in `bytes`, or `nil` when all of it is valid UTF-8.
    public static func firstInvalidOffset(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        let n = bytes.count
        var i = 0
        while i < n {
            i = firstNonASCII(base, from: i, to: n)
            if i == n { break }
            let len = sequenceLength(base, at: i, end: n)
            if len == 0 { return i }
            i += len
        }
        return nil
    }

    /// Copies `bytes` to `output`, replacing each maximal invalid subpart with U+FFFD
    /// (the substitution practice of the Unicode Standard, §3.9, and of WHATWG's decoder).
    public static func appendReplacingInvalid(_ bytes: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
        guard let base = bytes.baseAddress else { return }
        let n = bytes.count
        var i = 0
        while i < n {
            let len = sequenceLength(base, at: i, end: n)
            if len > 0 {
                output.append(contentsOf: UnsafeBufferPointer(start: base + i, count: len))
                i += len
                continue
            }
            output.append(contentsOf: [0xEF, 0xBF, 0xBD])
            i += maximalSubpartLength(base, at: i, end: n)
        }
    }

    /// Length of the maximal subpart of an ill-formed sequence at `i` (at least 1).
    static func maximalSubpartLength(_ base: UnsafePointer<UInt8>, at i: Int, end: Int) -> Int {
        let b0 = base[i]
        let (need, lo, hi): (Int, UInt8, UInt8)
        switch b0 {
        case 0xC2...0xDF: (need, lo, hi) = (1, 0x80, 0xBF)
        case 0xE0: (need, lo, hi) = (2, 0xA0, 0xBF)
        case 0xED: (need, lo, hi) = (2, 0x80, 0x9F)
        case 0xE1...0xEF: (need, lo, hi) = (2, 0x80, 0xBF)
        case 0xF0: (need, lo, hi) = (3, 0x90, 0xBF)
        case 0xF4: (need, lo, hi) = (3, 0x80, 0x8F)
        case 0xF1...0xF3: (need, lo, hi) = (3, 0x80, 0xBF)
        default: return 1
        }
        var k = 1
        while k <= need && i + k < end {
            let b = base[i + k]
            if k == 1 ? (b < lo || b > hi) : (b & 0xC0 != 0x80) { break }
            k += 1
        }
        return k
    }

    /// Decodes the scalar at `base[i]` (which must start a valid sequence of `length` bytes).
    @inlinable
    public static func decode(_ base: UnsafePointer<UInt8>, at i: Int, length: Int) -> UInt32 {
        let b0 = UInt32(base[i])
        switch length {
        case 1: return b0
        case 2: return (b0 & 0x1F) << 6 | UInt32(base[i + 1] & 0x3F)
        case 3: return (b0 & 0x0F) << 12 | UInt32(base[i + 1] & 0x3F) << 6 | UInt32(base[i + 2] & 0x3F)
        default:
            return (b0 & 0x07) << 18 | UInt32(base[i + 1] & 0x3F) << 12 | UInt32(base[i + 2] & 0x3F) << 6 | UInt32(base[i + 3] & 0x3F)
        }
    }
}
