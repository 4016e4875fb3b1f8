import Foundation

/// One-line descriptions of Foundation's JSON coding errors (`DecodingError`, `EncodingError`,
/// `NSError`), instead of their multi-line debug dumps: what was expected and at which JSON path.
///
/// ```swift
/// do { … } catch { throw MyError("config.json: \(JSONErrorText.describe(error))") }
/// ```
public enum JSONErrorText {
    /// The error as one line: `at JSON path a.b[2]: expected an integer` and the like.
    public static func describe(_ error: Error) -> String {
        if let error = error as? DecodingError {
            switch error {
            case .keyNotFound(let key, let context):
                return "missing key \"\(key.stringValue)\" at \(path(context.codingPath))"
            case .typeMismatch(let type, let context):
                return "at \(path(context.codingPath)): expected \(typeName(type))" + detail(context.debugDescription)
            case .valueNotFound(let type, let context):
                return "at \(path(context.codingPath)): expected \(typeName(type)), found null"
            case .dataCorrupted(let context):
                if let underlying = context.underlyingError as NSError?,
                    let text = underlying.userInfo[NSDebugDescriptionErrorKey] as? String
                {
                    return "not valid JSON: \(oneLine(text))"
                }
                return "at \(path(context.codingPath)): \(oneLine(context.debugDescription))"
            @unknown default:
                return oneLine(String(describing: error))
            }
        }
        if let error = error as? EncodingError, case .invalidValue(let value, let context) = error {
            return "cannot write \(value) at \(path(context.codingPath)) as JSON (not a finite number?)"
        }
        if !(type(of: error) is NSError.Type) { return oneLine(String(describing: error)) }
        let ns = error as NSError
        if let text = ns.userInfo[NSDebugDescriptionErrorKey] as? String { return oneLine(text) }
        return oneLine(ns.localizedDescription)
    }

    /// A coding path as `a.b[2].c` (`top level` when empty).
    public static func path(_ codingPath: [CodingKey]) -> String {
        if codingPath.isEmpty { return "the top level" }
        var text = ""
        for key in codingPath {
            if let index = key.intValue { text += "[\(index)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
        }
        return text
    }

    /// Collapses line breaks and control characters (a NUL from a binary file) so a message stays one line.
    public static func oneLine(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0A, 0x0D: out += " "
            case 0..<0x20, 0x7F: out += String(format: "\\x%02X", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type, is Int64.Type, is UInt64.Type, is Int32.Type, is UInt32.Type: return "an integer"
        case is Double.Type, is Float.Type: return "a number"
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        default:
            let name = String(describing: type)
            return name.hasPrefix("Array") ? "an array" : name.hasPrefix("Dictionary") ? "an object" : name
        }
    }

    private static func detail(_ text: String) -> String {
        text.isEmpty ? "" : " (\(oneLine(text)))"
    }
}
