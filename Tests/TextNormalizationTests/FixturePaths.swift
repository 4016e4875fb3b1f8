import Foundation

/// Locations of the fixtures and of the package's own files, found from this source file.
enum FixturePaths {
    /// `Tests/TextNormalizationTests/Fixtures`.
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    /// The package root.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The bytes of a fixture file.
    static func data(_ name: String) throws -> Data {
        try Data(contentsOf: fixtures.appendingPathComponent(name))
    }

    /// The bytes of a file under the package root (e.g. `Corpora/ko/kobill_all.txt`).
    static func packageFile(_ relative: String) throws -> Data {
        try Data(contentsOf: packageRoot.appendingPathComponent(relative))
    }
}
