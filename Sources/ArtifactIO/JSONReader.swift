/// A small, fast JSON parser over UTF-8 bytes (tokenizer files, configurations, safetensors
/// headers): objects keep their key order, and errors give the byte offset and what was expected there.
///
/// ```swift
/// let value = try JSONReader.parse(Array(#"{"steps": 100}"#.utf8))
/// value["steps"]?.int   // 100
/// ```
public struct JSONReader {
    /// A syntax error at a byte offset.
    public struct SyntaxError: Error, CustomStringConvertible, Equatable, Sendable {
        /// The byte offset in the document where parsing failed.
        public let offset: Int
        /// What was expected there.
        public let expected: String

        /// "not valid JSON at byte offset N: expected X".
        public var description: String { "not valid JSON at byte offset \(offset): expected \(expected)" }
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var i = 0
    private var scratch: [UInt8] = []

    /// Parses a whole document.
    public static func parse(_ data: [UInt8]) throws -> JSONValue {
        try data.withUnsafeBufferPointer { buffer in
            var reader = JSONReader(bytes: buffer)
            reader.skipSpace()
            let value = try reader.value(depth: 0)
            reader.skipSpace()
            if reader.i != buffer.count { throw SyntaxError(offset: reader.i, expected: "end of file after the top-level value") }
            return value
        }
    }

    private init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    // MARK: Values

    @inline(__always)
    private mutating func skipSpace() {
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { i += 1 } else { break }
        }
    }

    private mutating func value(depth: Int) throws -> JSONValue {
        guard depth < 512 else { throw SyntaxError(offset: i, expected: "nesting shallower than 512 levels") }
        guard i < bytes.count else { throw SyntaxError(offset: i, expected: "a value (the file ends early: truncated?)") }
        switch bytes[i] {
        case 0x7B: return try object(depth: depth)
        case 0x5B: return try array(depth: depth)
        case 0x22: return .string(try string())
        case 0x74: try literal("true"); return .bool(true)
        case 0x66: try literal("false"); return .bool(false)
        case 0x6E: try literal("null"); return .null
        case 0x2D, 0x30...0x39: return try number()
        default: throw SyntaxError(offset: i, expected: "a value (object, array, string, number, true, false or null)")
        }
    }

    private mutating func literal(_ word: StaticString) throws {
        let n = word.utf8CodeUnitCount
        let p = word.utf8Start
        guard i + n <= bytes.count else { throw SyntaxError(offset: i, expected: "\(word) (the file ends early: truncated?)") }
        for k in 0..<n where bytes[i + k] != p[k] { throw SyntaxError(offset: i, expected: "\(word)") }
        i += n
    }

    private mutating func object(depth: Int) throws -> JSONValue {
        i += 1
        var pairs: [(key: String, value: JSONValue)] = []
        skipSpace()
        if i < bytes.count && bytes[i] == 0x7D { i += 1; return .object(pairs) }
        while true {
            skipSpace()
            guard i < bytes.count else { throw SyntaxError(offset: i, expected: "a key string (the file ends early: truncated?)") }
            guard bytes[i] == 0x22 else { throw SyntaxError(offset: i, expected: "a key string") }
            let key = try string()
            skipSpace()
            guard i < bytes.count, bytes[i] == 0x3A else { throw SyntaxError(offset: i, expected: "':' after an object key") }
            i += 1
            skipSpace()
            pairs.append((key, try value(depth: depth + 1)))
            skipSpace()
            guard i < bytes.count else { throw SyntaxError(offset: i, expected: "',' or '}' (the file ends early: truncated?)") }
            if bytes[i] == 0x2C { i += 1; continue }
            if bytes[i] == 0x7D { i += 1; return .object(pairs) }
            throw SyntaxError(offset: i, expected: "',' or '}' in an object")
        }
    }

    private mutating func array(depth: Int) throws -> JSONValue {
        i += 1
        var items: [JSONValue] = []
        skipSpace()
        if i < bytes.count && bytes[i] == 0x5D { i += 1; return .array(items) }
        while true {
            skipSpace()
            items.append(try value(depth: depth + 1))
            skipSpace()
            guard i < bytes.count else { throw SyntaxError(offset: i, expected: "',' or ']' (the file ends early: truncated?)") }
            if bytes[i] == 0x2C { i += 1; continue }
            if bytes[i] == 0x5D { i += 1; return .array(items) }
            throw SyntaxError(offset: i, expected: "',' or ']' in an array")
        }
    }

    private mutating func number() throws -> JSONValue {
        let start = i
        var integer = true
        if bytes[i] == 0x2D { i += 1 }
        while i < bytes.count {
            let b = bytes[i]
            if b >= 0x30 && b <= 0x39 {
                i += 1
            } else if b == 0x2E || b == 0x65 || b == 0x45 || b == 0x2B || b == 0x2D {
                integer = false; i += 1
            } else {
                break
            }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)
        if integer, let v = Int(text) { return .integer(v) }
        guard let d = Double(text) else { throw SyntaxError(offset: start, expected: "a number") }
        return .number(d)
    }

    /// A string starting at the opening quote.
    private mutating func string() throws -> String {
        let start = i
        i += 1
        let contentStart = i
        // Fast path: no escapes.
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x22 {
                let s = String(decoding: UnsafeBufferPointer(rebasing: bytes[contentStart..<i]), as: UTF8.self)
                i += 1
                return s
            }
            if b == 0x5C { break }
            if b < 0x20 { throw SyntaxError(offset: i, expected: "no raw control character inside a string") }
            i += 1
        }
        guard i < bytes.count else { throw SyntaxError(offset: start, expected: "a closing '\"' (the file ends early: truncated?)") }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[contentStart..<i]))
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x22 { i += 1; return String(decoding: scratch, as: UTF8.self) }
            if b < 0x20 { throw SyntaxError(offset: i, expected: "no raw control character inside a string") }
            if b != 0x5C { scratch.append(b); i += 1; continue }
            guard i + 1 < bytes.count else { break }
            let e = bytes[i + 1]
            i += 2
            switch e {
            case 0x22, 0x5C, 0x2F: scratch.append(e)
            case 0x62: scratch.append(0x08)
            case 0x66: scratch.append(0x0C)
            case 0x6E: scratch.append(0x0A)
            case 0x72: scratch.append(0x0D)
            case 0x74: scratch.append(0x09)
            case 0x75:
                var code = try hex4()
                if code >= 0xD800 && code < 0xDC00, i + 1 < bytes.count, bytes[i] == 0x5C, bytes[i + 1] == 0x75 {
                    i += 2
                    let low = try hex4()
                    if low >= 0xDC00 && low < 0xE000 { code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00) } else { code = 0xFFFD }
                }
                let scalar = Unicode.Scalar(code) ?? "\u{FFFD}"
                scratch.append(contentsOf: String(scalar).utf8)
            default:
                throw SyntaxError(offset: i - 2, expected: "a valid escape (\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)")
            }
        }
        throw SyntaxError(offset: start, expected: "a closing '\"' (the file ends early: truncated?)")
    }

    private mutating func hex4() throws -> UInt32 {
        guard i + 4 <= bytes.count else { throw SyntaxError(offset: i, expected: "four hex digits after \\u") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[i]
            let d: UInt32
            switch b {
            case 0x30...0x39: d = UInt32(b - 0x30)
            case 0x41...0x46: d = UInt32(b - 0x41 + 10)
            case 0x61...0x66: d = UInt32(b - 0x61 + 10)
            default: throw SyntaxError(offset: i, expected: "a hex digit after \\u")
            }
            v = v << 4 | d
            i += 1
        }
        return v
    }
}
