/// Why a corpus could not be scored.
public enum MetricError: Error, Equatable, CustomStringConvertible {
    /// The hypotheses and references differ in number.
    case countMismatch(hypotheses: Int, references: Int)

    /// A one-line message naming both counts.
    public var description: String {
        switch self {
        case .countMismatch(let hypotheses, let references):
            return "\(hypotheses) hypotheses but \(references) references: every hypothesis needs one reference"
        }
    }
}
