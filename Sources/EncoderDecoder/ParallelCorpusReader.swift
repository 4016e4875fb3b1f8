import ArtifactIO
import Foundation

/// Reads parallel text in the two shapes translation corpora ship as:
///
/// - **JSONL**: one JSON object per line with the source and target in named string fields
///   (`{"en": "...", "ko": "..."}`); blank lines are ignored; other fields are ignored.
/// - **Two line-aligned text files**: line *n* of the source file translates line *n* of the
///   target file (a final line break does not start another line; a `\r` before `\n` is dropped).
///
/// A pair whose source or target is empty or only whitespace is **skipped and counted**
/// (`ParallelCorpus.skippedEmpty`), not an error. A malformed JSON line, a missing or non-string
/// field, invalid UTF-8 and line-aligned files of different lengths are errors naming the file and
/// line.
public enum ParallelCorpusReader {
    /// Reads a JSONL file whose objects hold the source in `sourceField` and the target in `targetField`.
    public static func readJSONL(path: String, sourceField: String, targetField: String) throws(ParallelCorpusError) -> ParallelCorpus {
        let lines = try lines(of: path)
        var pairs: [ParallelPair] = []
        pairs.reserveCapacity(lines.count)
        var skipped = 0
        for (index, line) in lines.enumerated() {
            let number = index + 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            guard String(validating: line, as: UTF8.self) != nil else { throw .invalidUTF8(file: path, line: number) }
            guard let object = try? JSONReader.parse(Array(line)), object.pairs != nil else {
                throw .malformedJSON(file: path, line: number)
            }
            guard let source = object[sourceField]?.string else {
                throw .missingField(file: path, line: number, field: sourceField)
            }
            guard let target = object[targetField]?.string else {
                throw .missingField(file: path, line: number, field: targetField)
            }
            if isBlank(source) || isBlank(target) {
                skipped += 1
                continue
            }
            pairs.append(ParallelPair(source: source, target: target))
        }
        guard !pairs.isEmpty else { throw .empty(origin: path) }
        return ParallelCorpus(pairs: pairs, skippedEmpty: skipped, origin: path)
    }

    /// Reads two line-aligned text files.
    public static func readAligned(sourcePath: String, targetPath: String) throws(ParallelCorpusError) -> ParallelCorpus {
        let sourceLines = try lines(of: sourcePath)
        let targetLines = try lines(of: targetPath)
        guard sourceLines.count == targetLines.count else {
            throw .lineCountMismatch(
                sourceFile: sourcePath, sourceLines: sourceLines.count,
                targetFile: targetPath, targetLines: targetLines.count)
        }
        var pairs: [ParallelPair] = []
        pairs.reserveCapacity(sourceLines.count)
        var skipped = 0
        for index in 0..<sourceLines.count {
            guard let source = String(validating: dropCarriageReturn(sourceLines[index]), as: UTF8.self) else {
                throw .invalidUTF8(file: sourcePath, line: index + 1)
            }
            guard let target = String(validating: dropCarriageReturn(targetLines[index]), as: UTF8.self) else {
                throw .invalidUTF8(file: targetPath, line: index + 1)
            }
            if isBlank(source) || isBlank(target) {
                skipped += 1
                continue
            }
            pairs.append(ParallelPair(source: source, target: target))
        }
        let origin = "\(sourcePath) + \(targetPath)"
        guard !pairs.isEmpty else { throw .empty(origin: origin) }
        return ParallelCorpus(pairs: pairs, skippedEmpty: skipped, origin: origin)
    }

    /// The file's lines (split at `\n`; a final `\n` does not start another line).
    static func lines(of path: String) throws(ParallelCorpusError) -> [ArraySlice<UInt8>] {
        let bytes: [UInt8]
        do {
            bytes = try FileContents.read(path)
        } catch {
            throw .unreadable(file: path, reason: "\(error)")
        }
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        if bytes.last == 0x0A || bytes.isEmpty { lines.removeLast() }
        return lines
    }

    static func dropCarriageReturn(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        line.last == 0x0D ? line.dropLast() : line
    }

    static func isBlank(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { $0.properties.isWhitespace }
    }
}
