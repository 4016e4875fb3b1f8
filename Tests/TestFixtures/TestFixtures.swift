import Foundation

/// The one way every test target finds its files.
///
/// - `Tests/<Target>/Fixtures/`: the small files one target's tests read, with the `make_*.py` script
///   that wrote them;
/// - `Tests/TestFixtures/tokenizers/`: released tokenizer files several targets read (see the README
///   there for their provenance and licenses);
/// - the package's own `Corpora/` and `Vocab/`;
/// - `../shared/data/` beside the package, only for *additional* bigger checks: it exists on
///   developer machines and in CI but not in a user's clone, so such tests are enabled with
///   `.enabled(if: TestFixtures.hasSharedData, "needs ../shared/data")` and report a skip.
package enum TestFixtures {
    /// The package root (the folder that holds `Package.swift`).
    package static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// `Tests/<target>/Fixtures`.
    package static func directory(of target: String) -> URL {
        packageRoot.appendingPathComponent("Tests").appendingPathComponent(target).appendingPathComponent("Fixtures")
    }

    /// The path of `Tests/<target>/Fixtures/<name>`.
    package static func path(_ name: String, in target: String) -> String {
        directory(of: target).appendingPathComponent(name).path
    }

    /// The path of a file under the package root, e.g. `Corpora/en/alice29.txt`.
    package static func packageFile(_ relative: String) -> String {
        packageRoot.appendingPathComponent(relative).path
    }

    /// The path of a released tokenizer file in `Tests/TestFixtures/tokenizers/`:
    /// `encoder.json`, `vocab.bpe`, `bert_uncased_vocab.txt` or `minilm_bert_uncased_tokenizer.json`.
    package static func tokenizer(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("tokenizers")
            .appendingPathComponent(name).path
    }

    /// `../shared/data` beside the package root when that folder exists, else nil (a user's clone).
    package static let sharedData: URL? = {
        let url = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue ? url : nil
    }()

    /// Whether `../shared/data` is there for the additional bigger checks.
    package static var hasSharedData: Bool { sharedData != nil }

    /// The files of a folder under `../shared/data` (e.g. `en`), sorted; empty when the folder is absent.
    package static func sharedFiles(in folder: String) -> [String] {
        guard let dir = sharedData?.appendingPathComponent(folder).path else { return [] }
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted().map { dir + "/" + $0 }
    }

    /// The lines of a UTF-8 file (LF separated, a trailing CR removed, the empty line after a final LF dropped).
    package static func lines(_ path: String) throws -> [String] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0.hasSuffix("\r") ? $0.dropLast() : $0) }
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// A fresh empty temporary directory; `prefix` names the test target.
    package static func temporaryDirectory(_ prefix: String = "tessera-test") throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }
}
