import CICU

/// Unicode normalization and clean-up of UTF-8 text, through ICU.
///
/// The steps run in this order: BERT-style ``clean`` → normalization ``form`` (or, with
/// ``stripAccents``, canonical decomposition, removal of nonspacing marks, then the composed form
/// when one was asked for) → ``lowercase`` → ``caseFold``. Spans of pure ASCII skip ICU entirely.
///
/// ```swift
/// var out: [UInt8] = []
/// var scratch = NormalizationScratch()
/// let n = Normalizer(form: .nfkc, lowercase: true)
/// n.normalize(bytes, into: &out, scratch: &scratch)   // reuses out's and scratch's memory
/// n.normalize("Ｃａｆé")                                // "café"
/// ```
public struct Normalizer: Sendable, Hashable, Codable {
    /// The Unicode normalization form applied.
    public var form: NormalizationForm
    /// Lowercase with the full, context-free Unicode mappings (as Hugging Face's normalizers do).
    public var lowercase: Bool
    /// Full Unicode case folding (ICU `u_strFoldCase`).
    public var caseFold: Bool
    /// Decompose, then drop nonspacing marks (general category Mn).
    public var stripAccents: Bool
    /// BERT clean-up: drop NUL, U+FFFD and control/format characters other than tab, LF and CR;
    /// map Unicode whitespace to U+0020.
    public var clean: Bool
    /// With ``clean``: keep LF and CR as they are (line-oriented text), instead of mapping them to spaces.
    public var keepNewlines: Bool

    /// Creates a normalizer; the default does nothing.
    public init(
        form: NormalizationForm = .none, lowercase: Bool = false, caseFold: Bool = false,
        stripAccents: Bool = false, clean: Bool = false, keepNewlines: Bool = false
    ) {
        self.form = form
        self.lowercase = lowercase
        self.caseFold = caseFold
        self.stripAccents = stripAccents
        self.clean = clean
        self.keepNewlines = keepNewlines
    }

    /// Whether the normalizer leaves every text unchanged.
    public var isIdentity: Bool { form == .none && !lowercase && !caseFold && !stripAccents && !clean }

    /// Whether ICU's output differs from the input only where normalization changed it, so that
    /// an input that is already in ``form`` can be copied through unconverted.
    private var onlyForm: Bool { !lowercase && !caseFold && !stripAccents && !clean }

    // MARK: Normalizing

    /// Normalizes a string.
    public func normalize(_ text: String) -> String {
        var out: [UInt8] = []
        var scratch = NormalizationScratch()
        var input = text
        input.withUTF8 { normalize($0, into: &out, scratch: &scratch) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Normalizes valid UTF-8 `input`, appending the result to `output`.
    ///
    /// `input` must be valid UTF-8 (see ``UTF8Validation``). Cut text only where
    /// ``TextChunkReader`` cuts it: normalizing two pieces separately then gives the same bytes
    /// as normalizing their concatenation.
    public func normalize(_ input: UnsafeBufferPointer<UInt8>, into output: inout [UInt8], scratch: inout NormalizationScratch) {
        guard let base = input.baseAddress, !input.isEmpty else { return }
        if isIdentity {
            output.append(contentsOf: input)
            return
        }
        let n = input.count
        var p = 0
        while p < n {
            let q = UTF8Validation.firstNonASCII(base, from: p, to: n)
            if q == n {
                appendASCII(base, p, n, into: &output)
                break
            }
            // The ASCII character before a non-ASCII one may combine with it ("e" + U+0301).
            let s = q > p ? q - 1 : q
            appendASCII(base, p, s, into: &output)
            // Extend over non-ASCII runs separated by short ASCII gaps: one ICU call per segment.
            var e = q
            while e < n {
                while e < n && base[e] >= 0x80 { e += 1 }
                var r = e
                while r < n && r - e < 32 && base[r] < 0x80 { r += 1 }
                if r == n || base[r] < 0x80 { break }
                e = r
            }
            normalizeWithICU(UnsafeBufferPointer(start: base + s, count: e - s), into: &output, scratch: &scratch)
            p = e
        }
    }

    // MARK: ASCII fast path

    private func appendASCII(_ base: UnsafePointer<UInt8>, _ from: Int, _ to: Int, into output: inout [UInt8]) {
        guard from < to else { return }
        let source = UnsafeBufferPointer(start: base + from, count: to - from)
        if !clean && !lowercase && !caseFold {
            output.append(contentsOf: source)
            return
        }
        let start = output.count
        output.append(contentsOf: source)
        let fold = lowercase || caseFold
        let kept = output.withUnsafeMutableBufferPointer { buffer -> Int in
            let out = buffer.baseAddress! + start
            var w = 0
            for i in 0..<source.count {
                var c = out[i]
                if clean && (c < 0x20 || c == 0x7F) {
                    if c == 0x09 || (!keepNewlines && (c == 0x0A || c == 0x0D)) {
                        c = 0x20
                    } else if c != 0x0A && c != 0x0D {
                        continue
                    }
                }
                if fold && c &- 0x41 < 26 { c &+= 32 }
                out[w] = c
                w += 1
            }
            return w
        }
        output.removeLast(source.count - kept)
    }

    // MARK: ICU path

    private func normalizeWithICU(_ input: UnsafeBufferPointer<UInt8>, into output: inout [UInt8], scratch: inout NormalizationScratch) {
        scratch.loadUTF8(input)
        if clean {
            scratch.cleanInPlace(keepNewlines: keepNewlines)
        }
        if stripAccents {
            scratch.apply { src, n, dst, cap, status in
                tsr_normalize(Int32(form.isCompatibility ? TSR_FORM_NFKD : TSR_FORM_NFD), src, n, dst, cap, status)
            }
            scratch.removeNonspacingMarks()
            if form.isComposed, let icu = form.icuForm {
                scratch.apply { tsr_normalize(icu, $0, $1, $2, $3, $4) }
            }
        } else if let icu = form.icuForm {
            let alreadyNormal = scratch.normalizedPrefix(form: icu) == scratch.count
            if alreadyNormal && onlyForm {
                output.append(contentsOf: input)
                return
            }
            if !alreadyNormal {
                scratch.apply { tsr_normalize(icu, $0, $1, $2, $3, $4) }
            }
        }
        if lowercase {
            scratch.apply { tsr_lowercase($0, $1, $2, $3, $4) }
        }
        if caseFold {
            scratch.apply { tsr_fold_case($0, $1, $2, $3, $4) }
        }
        scratch.appendUTF8(to: &output)
    }
}
