import CICU

/// A regular expression compiled by ICU, matched on UTF-8 text (offsets in bytes).
///
/// Patterns in Hugging Face files are written for Oniguruma; ``init(oniguruma:)`` maps the one
/// construct whose meaning differs in ICU (`\s`, which Oniguruma reads as the Unicode
/// White_Space property) before compiling.
///
/// ```swift
/// let re = try ICURegex(oniguruma: #"\p{N}{1,3}"#)
/// re.matches(in: Array("abc 12345".utf8))   // [4..<7, 7..<9]
/// ```
public final class ICURegex: @unchecked Sendable {  // the compiled pattern is immutable; matching clones it
    /// The pattern as given.
    public let pattern: String
    private let compiled: OpaquePointer

    /// Why a pattern did not compile.
    public struct CompileError: Error, Sendable {
        /// The pattern.
        public var pattern: String
        /// The UTF-16 offset of the error in the translated pattern, or -1.
        public var offset: Int
        /// ICU's status code.
        public var status: Int
    }

    /// Compiles `pattern` (ICU syntax).
    public init(icu pattern: String) throws {
        self.pattern = pattern
        let units = Array(pattern.utf16)
        var offset: Int32 = -1, status: Int32 = 0
        guard let regex = units.withUnsafeBufferPointer({ tsr_regex_open($0.baseAddress, Int32($0.count), &offset, &status) }) else {
            throw CompileError(pattern: pattern, offset: Int(offset), status: Int(status))
        }
        compiled = regex
    }

    /// Compiles an Oniguruma pattern as Hugging Face `tokenizers` reads it.
    public convenience init(oniguruma pattern: String) throws {
        var translated = ""
        var escaped = false
        for c in pattern {
            if escaped {
                switch c {
                case "s": translated += #"\p{White_Space}"#
                case "S": translated += #"\P{White_Space}"#
                default: translated += "\\" + String(c)
                }
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else {
                translated.append(c)
            }
        }
        if escaped { translated += "\\" }
        do { try self.init(icu: translated) } catch var error as CompileError {
            error.pattern = pattern
            throw error
        }
    }

    deinit { tsr_regex_close(compiled) }

    /// The byte ranges of the non-overlapping matches in valid UTF-8 `text`, leftmost first.
    public func matches(in text: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        guard let base = text.baseAddress, !text.isEmpty else { return [] }
        // UTF-16 copy with, for each code unit, its UTF-8 offset.
        var units: [UInt16] = []
        var byteOffsets: [Int32] = []
        units.reserveCapacity(text.count)
        byteOffsets.reserveCapacity(text.count + 1)
        var i = 0
        let n = text.count
        while i < n {
            var length = UTF8Validation.sequenceLength(base, at: i, end: n)
            if length == 0 { length = 1 }
            let scalar = length == 1 ? UInt32(base[i]) : UTF8Validation.decode(base, at: i, length: length)
            if scalar >= 0x10000 {
                let v = scalar - 0x10000
                units.append(UInt16(0xD800 + (v >> 10))); byteOffsets.append(Int32(i))
                units.append(UInt16(0xDC00 + (v & 0x3FF))); byteOffsets.append(Int32(i))
            } else {
                units.append(UInt16(scalar)); byteOffsets.append(Int32(i))
            }
            i += length
        }
        byteOffsets.append(Int32(n))
        var capacity = 64
        while true {
            var pairs = [Int32](repeating: 0, count: capacity * 2)
            var status: Int32 = 0
            let count = units.withUnsafeBufferPointer { u in
                pairs.withUnsafeMutableBufferPointer {
                    tsr_regex_find_all(compiled, u.baseAddress, Int32(u.count), $0.baseAddress, Int32(capacity), &status)
                }
            }
            if Int(count) > capacity { capacity = Int(count); continue }
            var out: [Range<Int>] = []
            out.reserveCapacity(Int(count))
            for k in 0..<Int(count) {
                let s = Int(byteOffsets[Int(pairs[2 * k])]), e = Int(byteOffsets[Int(pairs[2 * k + 1])])
                out.append(s..<max(s, e))
            }
            return out
        }
    }

    /// The byte ranges of the matches in `text`.
    public func matches(in text: [UInt8]) -> [Range<Int>] {
        text.withUnsafeBufferPointer { matches(in: $0) }
    }
}
