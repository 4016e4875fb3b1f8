import Foundation
import TestFixtures

/// This target's fixtures and the package's own files, found through `TestFixtures`.
enum FixturePaths {
    /// `Tests/TextNormalizationTests/Fixtures`.
    static let fixtures = TestFixtures.directory(of: "TextNormalizationTests")

    /// The bytes of a fixture file.
    static func data(_ name: String) throws -> Data {
        try Data(contentsOf: fixtures.appendingPathComponent(name))
    }

    /// The bytes of a file under the package root (e.g. `Corpora/ko/kobill_all.txt`).
    static func packageFile(_ relative: String) throws -> Data {
        try Data(contentsOf: URL(fileURLWithPath: TestFixtures.packageFile(relative)))
    }
}
