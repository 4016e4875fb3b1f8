/// Text helpers that reproduce the Python `str` operations sacreBLEU relies on, over Unicode
/// scalars (Python strings index code points, not grapheme clusters).
enum PythonText {
    /// Whether `scalar` is whitespace for Python's `str.isspace()`, which `str.split()` and
    /// `str.rstrip()` use: the Unicode characters with bidirectional class WS, B or S, or category Zs.
    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F,
            0x205F, 0x3000:
            return true
        default:
            return false
        }
    }

    /// Python's `s.split()`: runs of whitespace separate words; no empty words.
    static func split(_ scalars: [Unicode.Scalar]) -> [[Unicode.Scalar]] {
        var words: [[Unicode.Scalar]] = []
        var current: [Unicode.Scalar] = []
        for scalar in scalars {
            if isSpace(scalar) {
                if !current.isEmpty {
                    words.append(current)
                    current.removeAll(keepingCapacity: true)
                }
            } else {
                current.append(scalar)
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// Python's `''.join(s.split())`: the scalars with every whitespace scalar removed.
    static func removingWhitespace(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        scalars.filter { !isSpace($0) }
    }

    /// Python's `s.rstrip()`: trailing whitespace removed.
    static func rstrip(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var end = scalars.count
        while end > 0 && isSpace(scalars[end - 1]) { end -= 1 }
        return Array(scalars[0..<end])
    }
}
