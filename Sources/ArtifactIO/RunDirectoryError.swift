/// A run directory that a command must not use: what is there and why.
public struct RunDirectoryError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The directory (or lock file).
    public let path: String
    /// What is wrong, and what to do.
    public let problem: String

    /// Creates an error.
    public init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }

    public var description: String { "\(path): \(problem)" }
}
