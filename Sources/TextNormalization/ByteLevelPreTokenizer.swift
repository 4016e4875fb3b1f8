/// GPT-2's pre-tokenizer: the split of the regex
/// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`,
/// written as a scanner over UTF-8 bytes (no regex engine).
///
/// It behaves as Hugging Face's `ByteLevel(add_prefix_space=False, use_regex=True)` split does;
/// mapping the pieces to printable characters is ``ByteLevelAlphabet``'s job.
///
/// ```swift
/// ByteLevelPreTokenizer().pieces(of: "I'm  here\n").map(\.piece)   // ["I", "'m", " ", " here", "\n"]
/// ```
public struct ByteLevelPreTokenizer: PreTokenizer {
    /// Creates the pre-tokenizer.
    public init() {}

    public func split(_ text: UnsafeBufferPointer<UInt8>, into pieces: inout [Range<Int>]) {
        let scanner = ScalarScanner(text)
        let base = scanner.base
        let n = scanner.count
        let letter = UInt8.letterBit, number = UInt8.numberBit, space = UInt8.whitespaceBit
        var i = 0
        while i < n {
            let b = base[i]
            // 's 't 're 've 'm 'll 'd
            if b == 0x27 && i + 1 < n {
                let c = base[i + 1]
                var m = 0
                if c == 0x73 || c == 0x74 || c == 0x6D || c == 0x64 {
                    m = 2
                } else if i + 2 < n {
                    let d = base[i + 2]
                    if ((c == 0x72 || c == 0x76) && d == 0x65) || (c == 0x6C && d == 0x6C) { m = 3 }
                }
                if m > 0 {
                    pieces.append(i..<(i + m))
                    i += m
                    continue
                }
            }
            var (bits, length) = scanner.classAt(i)
            var j = i
            // An optional single space before a letter, number or other run.
            if b == 0x20 && i + 1 < n {
                let next = scanner.classAt(i + 1)
                if next.bits & space == 0 {
                    j = i + 1
                    (bits, length) = next
                }
            }
            if j == i && bits & space != 0 {
                // \s+(?!\S) keeps the last space for the next piece; a lone one is \s+.
                var k = i
                var last = i
                while k < n {
                    let (kb, kl) = scanner.classAt(k)
                    if kb & space == 0 { break }
                    last = k
                    k += kl
                }
                let end = (k == n || last == i) ? k : last
                pieces.append(i..<end)
                i = end
                continue
            }
            let end: Int
            if bits & letter != 0 {
                end = scanner.runEnd(from: j + length, mask: letter)
            } else if bits & number != 0 {
                end = scanner.runEnd(from: j + length, mask: number)
            } else {
                end = scanner.runEnd(from: j + length, mask: letter | number | space, inverted: true)
            }
            pieces.append(i..<end)
            i = end
        }
    }
}
