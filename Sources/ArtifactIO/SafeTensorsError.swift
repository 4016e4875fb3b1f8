/// Why a safetensors file could not be read.
public enum SafeTensorsError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file is shorter than its header says (path, what was expected).
    case truncated(path: String, detail: String)
    /// The JSON header is malformed (path, what is wrong).
    case badHeader(path: String, detail: String)
    /// A tensor has a dtype this reader does not support.
    case unsupportedDType(path: String, tensor: String, dtype: String)
    /// A requested tensor is missing.
    case missingTensor(path: String, tensor: String)
    /// A tensor has the wrong shape for its use.
    case shapeMismatch(path: String, tensor: String, expected: [Int], found: [Int])
    /// The file could not be opened or read.
    case unreadable(path: String, detail: String)

    public var description: String {
        switch self {
        case let .truncated(path, detail): return "\(path): truncated safetensors file: \(detail)"
        case let .badHeader(path, detail): return "\(path): corrupt safetensors header: \(detail)"
        case let .unsupportedDType(path, tensor, dtype):
            return "\(path): tensor '\(tensor)' has unsupported dtype \(dtype) (expected F32, F16, BF16, I32 or I64)"
        case let .missingTensor(path, tensor): return "\(path): no tensor named '\(tensor)'"
        case let .shapeMismatch(path, tensor, expected, found):
            return "\(path): tensor '\(tensor)' has shape \(found), expected \(expected)"
        case let .unreadable(path, detail): return "\(path): cannot read: \(detail)"
        }
    }
}
