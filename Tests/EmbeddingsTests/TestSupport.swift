import Embeddings
import Foundation
import TestFixtures

/// Paths of this target's fixtures (found through `TestFixtures`), and a temporary directory per test.
enum TestSupport {
    /// `Tests/EmbeddingsTests/Fixtures/name`.
    static func fixture(_ name: String) -> String {
        TestFixtures.path(name, in: "EmbeddingsTests")
    }

    /// A fresh empty directory.
    static func temporaryDirectory() throws -> String {
        try TestFixtures.temporaryDirectory("tessera-emb")
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
