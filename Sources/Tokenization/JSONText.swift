/// Minimal JSON text output: escaped strings, for writing tokenizer files in a fixed key order.
enum JSONText {
    /// `s` as a JSON string literal (quotes included). Non-ASCII is written as UTF-8.
    static func string(_ s: String) -> String {
        var out = "\""
        out.reserveCapacity(s.utf8.count + 2)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
        return out
    }

    /// A finite double in shortest round-trip form (`-1.5`, `0.0`); non-finite values as 0.
    static func number(_ d: Double) -> String {
        guard d.isFinite else { return "0.0" }
        return "\(d)"
    }
}
