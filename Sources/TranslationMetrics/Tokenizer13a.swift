/// sacreBLEU's default BLEU tokenizer `13a` (the one of `mteval-v13a.pl`, used by WMT), reproduced
/// rule for rule from sacreBLEU 2.x (`tokenizer_13a.py` and `tokenizer_re.py`):
///
/// 1. remove `<skipped>`, join `-\n` line breaks, turn other `\n` into spaces;
/// 2. unescape `&quot;` `&amp;` `&lt;` `&gt;` (in that order);
/// 3. pad with one space on each side, then apply, each as a left-to-right non-overlapping
///    substitution over the whole line:
///    - `([\{-\~\[-\` -\&\(-\+\:-\@\/])` → ` \1 ` (ASCII symbols except `'`, `,`, `-`, `.`),
///    - `([^0-9])([\.,])` → `\1 \2 ` (period and comma unless preceded by a digit),
///    - `([\.,])([^0-9])` → ` \1 \2` (period and comma unless followed by a digit),
///    - `([0-9])(-)` → `\1 \2 ` (dash after a digit);
/// 4. collapse whitespace (Python's `str.split()` rules) into single spaces.
public struct Tokenizer13a: Sendable {
    /// Creates the tokenizer; it has no settings.
    public init() {}

    /// Tokenizes one segment and returns its tokens (the words of the tokenized line).
    public func tokens(_ line: String) -> [[Unicode.Scalar]] {
        var text = line
        text = text.replacingAll("<skipped>", with: "")
        text = text.replacingAll("-\n", with: "")
        text = text.replacingAll("\n", with: " ")
        if text.unicodeScalars.contains("&") {
            text = text.replacingAll("&quot;", with: "\"")
            text = text.replacingAll("&amp;", with: "&")
            text = text.replacingAll("&lt;", with: "<")
            text = text.replacingAll("&gt;", with: ">")
        }
        var scalars: [Unicode.Scalar] = [" "]
        scalars.append(contentsOf: text.unicodeScalars)
        scalars.append(" ")
        scalars = Self.padSymbols(scalars)
        scalars = Self.substitutePairs(scalars) { first, second in
            !Self.isDigit(first) && Self.isPeriodOrComma(second) ? [first, " ", second, " "] : nil
        }
        scalars = Self.substitutePairs(scalars) { first, second in
            Self.isPeriodOrComma(first) && !Self.isDigit(second) ? [" ", first, " ", second] : nil
        }
        scalars = Self.substitutePairs(scalars) { first, second in
            Self.isDigit(first) && second == "-" ? [first, " ", second, " "] : nil
        }
        return PythonText.split(scalars)
    }

    /// The tokenized line as sacreBLEU returns it: tokens joined by single spaces.
    public func callAsFunction(_ line: String) -> String {
        tokens(line).map { String(String.UnicodeScalarView($0)) }.joined(separator: " ")
    }

    static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value >= 0x30 && scalar.value <= 0x39
    }

    static func isPeriodOrComma(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "." || scalar == ","
    }

    /// The first rule's character class: `{|}~`, `[\]^_` + backtick, space to `&`, `(` to `+`,
    /// `:` to `@`, and `/`.
    static func isPaddedSymbol(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x7B...0x7E, 0x5B...0x60, 0x20...0x26, 0x28...0x2B, 0x3A...0x40, 0x2F: return true
        default: return false
        }
    }

    static func padSymbols(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(scalars.count * 2)
        for scalar in scalars {
            if isPaddedSymbol(scalar) {
                out.append(" ")
                out.append(scalar)
                out.append(" ")
            } else {
                out.append(scalar)
            }
        }
        return out
    }

    /// A left-to-right, non-overlapping substitution of a two-character pattern, as Python's
    /// `re.sub` performs it: after a match, scanning resumes after the matched pair.
    static func substitutePairs(
        _ scalars: [Unicode.Scalar], _ replacement: (Unicode.Scalar, Unicode.Scalar) -> [Unicode.Scalar]?
    ) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        out.reserveCapacity(scalars.count + scalars.count / 2)
        var index = 0
        while index < scalars.count {
            if index + 1 < scalars.count, let replaced = replacement(scalars[index], scalars[index + 1]) {
                out.append(contentsOf: replaced)
                index += 2
            } else {
                out.append(scalars[index])
                index += 1
            }
        }
        return out
    }
}
