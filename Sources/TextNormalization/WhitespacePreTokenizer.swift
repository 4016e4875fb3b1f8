/// Splits on Unicode whitespace (the White_Space property), which is dropped; like Hugging
/// Face's `WhitespaceSplit`.
///
/// ```swift
/// WhitespacePreTokenizer().pieces(of: "a  b\tc").map(\.piece)   // ["a", "b", "c"]
/// ```
public struct WhitespacePreTokenizer: PreTokenizer {
    /// Creates the pre-tokenizer.
    public init() {}

    public func split(_ text: UnsafeBufferPointer<UInt8>, into pieces: inout [Range<Int>]) {
        let scanner = ScalarScanner(text)
        let n = scanner.count
        var i = 0
        while i < n {
            let start = scanner.runEnd(from: i, mask: UInt8.whitespaceBit)
            if start == n { break }
            let end = scanner.runEnd(from: start, mask: UInt8.whitespaceBit, inverted: true)
            pieces.append(start..<end)
            i = end
        }
    }
}
