import Foundation
import Tokenization

/// Reads pretraining documents from plain text: one segment (sentence or paragraph) per line, a
/// blank line between documents (the format of BERT's `create_pretraining_data.py`); LF or CRLF line ends.
public enum MaskedLMCorpus {
    /// Splits `text` into documents of lines and encodes each line with `tokenizer` (no special tokens).
    /// A text without blank lines is one document.
    public static func documents(text: String, tokenizer: Tokenizer) -> [[[Int32]]] {
        let session = TokenizerSession(tokenizer)
        var documents: [[[Int32]]] = []
        var current: [[Int32]] = []
        var ids: [UInt32] = []
        // "\r\n" is one Character in Swift: split on any newline character.
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0.isNewline }) {
            var s = String(line)
            if s.allSatisfy({ $0 == " " || $0 == "\t" }) {
                if !current.isEmpty { documents.append(current); current = [] }
                continue
            }
            ids.removeAll(keepingCapacity: true)
            s.withUTF8 { session.encode($0, addSpecialTokens: false, ids: &ids) }
            if !ids.isEmpty { current.append(ids.map { Int32(truncatingIfNeeded: $0) }) }
        }
        if !current.isEmpty { documents.append(current) }
        return documents
    }

    /// Reads and encodes text files in order (documents of each file after those of the previous
    /// one). Throws naming the file that cannot be read or is not UTF-8.
    public static func documents(files: [String], tokenizer: Tokenizer) throws -> [[[Int32]]] {
        var documents: [[[Int32]]] = []
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw MaskedLMError.invalidOption("\(file): cannot read file")
            }
            guard let text = String(data: data, encoding: .utf8) else { throw MaskedLMError.invalidOption("\(file): not valid UTF-8") }
            documents += Self.documents(text: text, tokenizer: tokenizer)
        }
        return documents
    }
}
