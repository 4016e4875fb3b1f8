import Foundation

/// A text with its class label, read from a JSON-lines file.
public struct LabelledText: Sendable, Equatable {
    /// The text.
    public var text: String
    /// The label.
    public var label: String
    /// 1-based line in its file (for error messages).
    public var line: Int

    /// Creates an example.
    public init(text: String, label: String, line: Int) {
        self.text = text
        self.label = label
        self.line = line
    }

    /// Reads `path`: one JSON object per line with string fields `textField` and `labelField`.
    /// Blank lines are skipped; anything else that is not such an object, or an empty text, is an
    /// error naming the file and line.
    public static func read(_ path: String, textField: String, labelField: String) throws -> [LabelledText] {
        guard let data = FileManager.default.contents(atPath: path) else { throw MaskedLMError.invalidOption("\(path): cannot read file") }
        guard let text = String(data: data, encoding: .utf8) else { throw MaskedLMError.invalidOption("\(path): not valid UTF-8") }
        var out: [LabelledText] = []
        for (i, line) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0.isNewline }).enumerated() {
            if line.allSatisfy({ $0.isWhitespace }) { continue }
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else {
                throw MaskedLMError.invalidOption("\(path):\(i + 1): not a JSON object")
            }
            guard let t = object[textField] as? String else {
                throw MaskedLMError.invalidOption("\(path):\(i + 1): no string field \"\(textField)\"")
            }
            guard let l = object[labelField] as? String ?? (object[labelField] as? Int).map(String.init) else {
                throw MaskedLMError.invalidOption("\(path):\(i + 1): no string field \"\(labelField)\"")
            }
            if t.allSatisfy({ $0.isWhitespace }) { throw MaskedLMError.invalidOption("\(path):\(i + 1): empty text in \"\(textField)\"") }
            out.append(LabelledText(text: t, label: l, line: i + 1))
        }
        return out
    }
}
