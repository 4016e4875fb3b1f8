import Foundation
import Embeddings

/// Paths of fixtures and shared data, and a temporary directory per test.
enum TestSupport {
    /// `Tests/EmbeddingsTests/Fixtures/name`.
    static func fixture(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").appendingPathComponent(name).path
    }

    /// `../shared/data/name` relative to the package root.
    static func sharedData(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared/data").appendingPathComponent(name).path
    }

    /// A fresh empty directory.
    static func temporaryDirectory() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tessera-emb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    /// gensim_expected.json, parsed.
    static func expected() throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: fixture("gensim_expected.json")))
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    /// The files in `directory`.
    static func files(in directory: String) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
    }
}
