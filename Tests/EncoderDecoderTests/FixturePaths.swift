import Foundation
import Testing

/// Paths of this target's committed fixtures.
enum FixturePaths {
    static func path(_ name: String) throws -> String {
        let url = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        return url.appendingPathComponent(name).path
    }
}
