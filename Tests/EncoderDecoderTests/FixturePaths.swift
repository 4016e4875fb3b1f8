import TestFixtures

/// Paths of this target's committed fixtures (`Tests/EncoderDecoderTests/Fixtures`).
enum FixturePaths {
    static func path(_ name: String) throws -> String {
        TestFixtures.path(name, in: "EncoderDecoderTests")
    }
}
