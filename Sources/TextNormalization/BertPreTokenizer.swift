/// BERT's pre-tokenizer: splits on whitespace (dropped) and makes every punctuation character
/// (ASCII punctuation or general category P*) and, optionally, every CJK ideograph a piece of its own.
///
/// With ``splitCJK`` it gives what Hugging Face's `BertPreTokenizer` gives after a
/// `BertNormalizer` with `handle_chinese_chars` (which puts spaces around CJK ideographs).
///
/// ```swift
/// BertPreTokenizer().pieces(of: "hello, 世界!").map(\.piece)   // ["hello", ",", "世", "界", "!"]
/// ```
public struct BertPreTokenizer: PreTokenizer {
    /// Whether each CJK ideograph becomes a piece of its own.
    public var splitCJK: Bool

    /// Creates the pre-tokenizer.
    public init(splitCJK: Bool = true) {
        self.splitCJK = splitCJK
    }

    /// `!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~` — Rust's `is_ascii_punctuation`, which BERT uses
    /// besides the Unicode P* categories.
    @inline(__always)
    static func isASCIIPunctuation(_ b: UInt8) -> Bool {
        (b >= 0x21 && b <= 0x2F) || (b >= 0x3A && b <= 0x40) || (b >= 0x5B && b <= 0x60) || (b >= 0x7B && b <= 0x7E)
    }

    public func split(_ text: UnsafeBufferPointer<UInt8>, into pieces: inout [Range<Int>]) {
        let scanner = ScalarScanner(text)
        let base = scanner.base
        let n = scanner.count
        let isolate = UInt8.punctuationBit | (splitCJK ? UInt8.cjkBit : 0)
        var pieceStart = -1
        var i = 0
        while i < n {
            let (bits, length) = scanner.classAt(i)
            if bits & UInt8.whitespaceBit != 0 {
                if pieceStart >= 0 { pieces.append(pieceStart..<i); pieceStart = -1 }
            } else if bits & isolate != 0 || (length == 1 && BertPreTokenizer.isASCIIPunctuation(base[i])) {
                if pieceStart >= 0 { pieces.append(pieceStart..<i); pieceStart = -1 }
                pieces.append(i..<(i + length))
            } else if pieceStart < 0 {
                pieceStart = i
            }
            i += length
        }
        if pieceStart >= 0 { pieces.append(pieceStart..<n) }
    }
}
