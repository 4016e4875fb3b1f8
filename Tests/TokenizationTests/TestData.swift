import Foundation
import Tokenization

/// Paths and loaders shared by the tokenization tests.
enum TestData {
    /// This test directory's Fixtures folder.
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path
    /// The package root.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    /// The shared data folder beside the package (`../shared/data`).
    static let shared = URL(fileURLWithPath: root).deletingLastPathComponent().appendingPathComponent("shared/data").path

    /// Corpora/en/*.txt, sorted.
    static var englishCorpora: [String] {
        let dir = root + "/Corpora/en"
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".txt") }.sorted().map { dir + "/" + $0 }
    }

    /// The lines of a UTF-8 file (LF separated, trailing CR removed, last empty line dropped).
    static func lines(_ path: String) throws -> [String] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0.hasSuffix("\r") ? $0.dropLast() : $0) }
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// Expected ids and byte offsets per line, as make_fixtures.py writes them.
    static func expected(_ name: String) throws -> [(ids: [UInt32], offsets: [Range<Int>])] {
        try lines(fixtures + "/" + name).map { line in
            let parts = line.split(separator: "\t", omittingEmptySubsequences: false)
            let ids = parts[0].split(separator: " ").map { UInt32($0)! }
            // Each range is "END" (starting where the previous one ended, the first at 0) or "START:END".
            var offsets: [Range<Int>] = []
            if parts.count > 1 {
                var previous = 0
                for field in parts[1].split(separator: " ") {
                    let bounds = field.split(separator: ":").map { Int($0)! }
                    let start = bounds.count == 2 ? bounds[0] : previous
                    offsets.append(start..<bounds[bounds.count - 1])
                    previous = bounds[bounds.count - 1]
                }
            }
            return (ids, offsets)
        }
    }

    /// Encodes `line` with ids and offsets.
    static func encode(_ session: TokenizerSession, _ line: String, addSpecial: Bool = false) -> ([UInt32], [Range<Int>]) {
        var ids: [UInt32] = [], offsets: [Range<Int>] = []
        var copy = line
        copy.withUTF8 { session.encode($0, addSpecialTokens: addSpecial, ids: &ids, offsets: &offsets) }
        return (ids, offsets)
    }

    /// A temporary directory for a test.
    static func temporaryDirectory() throws -> String {
        let dir = NSTemporaryDirectory() + "tessera-tok-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }
}
