import CICU

/// Splits at ICU word boundaries (UAX #29, root locale; dictionary-based for Chinese, Japanese,
/// Thai and other scripts written without spaces). Whitespace-only segments are dropped.
///
/// ```swift
/// WordBoundaryPreTokenizer().pieces(of: "Don't stop.").map(\.piece)   // ["Don't", "stop", "."]
/// ```
public struct WordBoundaryPreTokenizer: PreTokenizer {
    /// Creates the pre-tokenizer.
    public init() {}

    public func split(_ text: UnsafeBufferPointer<UInt8>, into pieces: inout [Range<Int>]) {
        guard let base = text.baseAddress, !text.isEmpty else { return }
        let n = text.count
        // UTF-16 text plus, for each code unit, the byte offset where its scalar starts.
        var utf16: [UInt16] = []
        var byteOffset: [Int32] = []
        utf16.reserveCapacity(n)
        byteOffset.reserveCapacity(n + 1)
        var i = 0
        while i < n {
            var length = UTF8Validation.sequenceLength(base, at: i, end: n)
            let scalar: UInt32
            if length == 0 {
                length = 1
                scalar = 0xFFFD
            } else {
                scalar = UTF8Validation.decode(base, at: i, length: length)
            }
            if scalar >= 0x10000 {
                let v = scalar - 0x10000
                utf16.append(UInt16(0xD800 + (v >> 10)))
                utf16.append(UInt16(0xDC00 + (v & 0x3FF)))
                byteOffset.append(Int32(i))
                byteOffset.append(Int32(i))
            } else {
                utf16.append(UInt16(scalar))
                byteOffset.append(Int32(i))
            }
            i += length
        }
        byteOffset.append(Int32(n))
        var ends = [Int32](repeating: 0, count: utf16.count + 1)
        var statuses = [Int32](repeating: 0, count: utf16.count + 1)
        var status: Int32 = 0
        let capacity = Int32(ends.count)
        let segments = Int(
            utf16.withUnsafeBufferPointer { src in
                ends.withUnsafeMutableBufferPointer { e in
                    statuses.withUnsafeMutableBufferPointer { s in
                        tsr_word_segments(src.baseAddress, Int32(src.count), e.baseAddress, s.baseAddress, capacity, &status)
                    }
                }
            })
        guard status == 0 else { return }
        let scanner = ScalarScanner(text)
        var start = 0
        for k in 0..<segments {
            let from = Int(byteOffset[start])
            let to = Int(byteOffset[Int(ends[k])])
            start = Int(ends[k])
            if scanner.runEnd(from: from, mask: UInt8.whitespaceBit) >= to { continue }
            pieces.append(from..<to)
        }
    }
}
