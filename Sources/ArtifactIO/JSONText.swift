/// JSON text output: string literals with escapes, and whole values (objects in their key order).
///
/// ```swift
/// JSONText.string("tab\there")                              // the 11 characters "tab\there" with quotes
/// JSONText.serialize(.object([("steps", .integer(100))]))   // {"steps":100}
/// ```
public enum JSONText {
    /// `s` as a JSON string literal (quotes included). Non-ASCII is written as UTF-8.
    public static func string(_ s: String) -> String {
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
    public static func number(_ d: Double) -> String {
        guard d.isFinite else { return "0.0" }
        return "\(d)"
    }

    /// `value` as compact JSON text (no spaces). An `.integer` is written without a fraction and a
    /// `.number` always with one (`1.0`), so a value read and written back keeps its kinds.
    public static func serialize(_ value: JSONValue) -> String {
        var out = ""
        write(value, to: &out)
        return out
    }

    private static func write(_ value: JSONValue, to out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .integer(let i): out += String(i)
        case .number(let d):
            // JSON has no NaN or infinity; such a value is written as null.
            out += d.isFinite ? String(d) : "null"
        case .string(let s): out += string(s)
        case .array(let items):
            out += "["
            for (k, item) in items.enumerated() {
                if k > 0 { out += "," }
                write(item, to: &out)
            }
            out += "]"
        case .object(let pairs):
            out += "{"
            for (k, pair) in pairs.enumerated() {
                if k > 0 { out += "," }
                out += string(pair.key)
                out += ":"
                write(pair.value, to: &out)
            }
            out += "}"
        }
    }
}
