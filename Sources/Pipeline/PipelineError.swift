/// A pipeline that cannot start or cannot go on.
public struct PipelineError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What went wrong, naming the field, file or stage.
    public let message: String

    /// Creates an error.
    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
