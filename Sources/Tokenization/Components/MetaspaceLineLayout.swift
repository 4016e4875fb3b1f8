/// The `tokenizer.json` layouts of SentencePiece BPE models converted by `transformers` that
/// hand the model whole lines with their spaces as `▁`:
/// - Mistral's: no normalizer; pre-tokenizer `Metaspace` (prepend scheme `first` or `always`,
///   `split` true or false);
/// - Llama 2's (`legacy`): normalizer `Prepend(r)` and `Replace(" ", r)` in either order, no
///   pre-tokenizer.
///
/// On a text where no added token is found those components come down to: each space (U+0020)
/// becomes the replacement `r`; `r` goes first (for `Metaspace`, unless the text then starts
/// with it; `never` puts none); with `split`, a piece starts at each `r`. ``PipelineEncoder``
/// encodes such texts that way when only ids are asked for, without the alignment, token
/// strings and offsets of the general path; offsets, and texts holding an added token, take
/// the general path.
package struct MetaspaceLineLayout {
    /// The replacement in UTF-8.
    let replacement: [UInt8]
    /// Whether `replacement` goes first when the text does not start with it (`Metaspace`).
    let prependsUnlessPresent: Bool
    /// Whether `replacement` goes first whatever the text starts with (`Prepend`).
    let prependsAlways: Bool
    /// Whether the model gets one piece per replacement (`Metaspace` with `split`).
    let splits: Bool

    /// The layout of `pipeline`, or nil when its components are not exactly one of these.
    package init?(_ pipeline: ComponentPipeline) {
        if pipeline.normalizer == nil, let m = pipeline.preTokenizer as? MetaspacePreTokenizer {
            guard let scalar = Unicode.Scalar(m.replacement) else { return nil }
            replacement = Array(String(Character(scalar)).utf8)
            prependsUnlessPresent = m.prependScheme != .never
            prependsAlways = false
            splits = m.splitPieces
            return
        }
        guard pipeline.preTokenizer == nil, let s = pipeline.normalizer as? SequenceNormalizer, s.normalizers.count == 2 else { return nil }
        var prepend: String?
        var content: String?
        for n in s.normalizers {
            if let p = n as? PrependNormalizer {
                prepend = p.prepend
            } else if let r = n as? ReplaceNormalizer, case .string(" ") = r.pattern {
                content = r.content
            } else {
                return nil
            }
        }
        // The same string both ways, without a space (so the order of the two does not matter).
        guard let prepend, let content, prepend == content, !prepend.isEmpty, !prepend.utf8.contains(0x20) else { return nil }
        replacement = Array(prepend.utf8)
        prependsUnlessPresent = false
        prependsAlways = true
        splits = false
    }

    /// Writes the model's input for `text` (not empty) into `out`: spaces replaced, the
    /// replacement put first as the layout does.
    func write(_ text: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        let r = replacement
        // (`Metaspace` looks after the replacement: a text that starts with a space starts with it.)
        if prependsAlways || (prependsUnlessPresent && text.first != 0x20 && !text.starts(with: r)) { out.append(contentsOf: r) }
        var start = 0
        for (k, b) in text.enumerated() where b == 0x20 {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: text[start..<k]))
            out.append(contentsOf: r)
            start = k + 1
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: text[start...]))
    }

    /// Calls `body(start, end)` for each piece of the model's input `text` (byte offsets): the
    /// whole text, or with ``splits`` the stretches that start at each replacement.
    func forEachPiece(_ text: UnsafeBufferPointer<UInt8>, _ body: (Int, Int) -> Void) {
        let n = text.count
        guard splits, let base = text.baseAddress else {
            if n > 0 { body(0, n) }
            return
        }
        let r = replacement, m = r.count
        var start = 0
        var k = 1
        while k + m <= n {
            if base[k] == r[0] && (1..<m).allSatisfy({ base[k + $0] == r[$0] }) {
                body(start, k)
                start = k
                k += m
            } else {
                k += 1
            }
        }
        if start < n { body(start, n) }
    }
}
