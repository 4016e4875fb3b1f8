import ArtifactIO
import Foundation

/// Strict reading of JSON configuration files: the user's JSON is laid over the JSON of the
/// defaults, and every field it names must exist there with a value of the same kind.
///
/// ```swift
/// let config = try StrictJSON.decode(PipelineConfig.self, defaults: PipelineConfig(), from: data, file: "pipeline.json")
/// ```
public enum StrictJSON {
    /// A configuration file that does not fit the schema of the defaults.
    public struct ConfigError: Error, CustomStringConvertible, Equatable, Sendable {
        /// The file.
        public let file: String
        /// The dotted path of the field (e.g. `lm.steps`), empty for the whole document.
        public let field: String
        /// What was wrong.
        public let message: String

        public var description: String {
            field.isEmpty ? "\(file): \(message)" : "\(file): field '\(field)': \(message)"
        }
    }

    /// A configuration type whose string fields take one of a fixed set of values (enums decoded from
    /// their raw values): a value outside the set is an error naming the field and the values allowed.
    public protocol Choices {
        /// The allowed raw values by dotted field path (e.g. `lm.positions`).
        static var choices: [String: [String]] { get }
    }

    /// Decodes `data` over `defaults`: fields the user leaves out keep their default values.
    public static func decode<T: Codable>(_ type: T.Type, defaults: T, from data: Data, file: String) throws -> T {
        let choices = (T.self as? Choices.Type)?.choices ?? [:]
        let base = try JSONReader.parse([UInt8](JSONEncoder().encode(defaults)))
        let user: JSONValue
        do {
            user = try JSONReader.parse([UInt8](data))
        } catch let error as JSONReader.SyntaxError {
            throw ConfigError(file: file, field: "", message: "\(error)")
        }
        let merged = try merge(user, over: base, path: "", file: file, choices: choices)
        do {
            return try JSONDecoder().decode(T.self, from: Data(JSONText.serialize(merged).utf8))
        } catch let DecodingError.typeMismatch(expected, context), let DecodingError.valueNotFound(expected, context) {
            throw ConfigError(file: file, field: dotted(context.codingPath), message: "expected \(expected): \(context.debugDescription)")
        } catch let DecodingError.dataCorrupted(context) {
            // Foundation reports a fraction given for an integer without its path: find it.
            if context.codingPath.isEmpty, let (field, value) = fractions(user, over: base, path: "").first {
                throw ConfigError(file: file, field: field, message: "expected an integer, found \(value)")
            }
            throw ConfigError(file: file, field: dotted(context.codingPath), message: context.debugDescription)
        }
    }

    /// Fields where the user gave a fractional number and the default is a whole number.
    static func fractions(_ user: JSONValue, over base: JSONValue, path: String) -> [(String, Double)] {
        switch (user, base) {
        case (.object(let u), .object):
            return u.flatMap { key, value -> [(String, Double)] in
                guard let bv = base[key] else { return [] }
                return fractions(value, over: bv, path: path.isEmpty ? key : "\(path).\(key)")
            }
        case (.number(let d), .integer) where d != d.rounded():
            return [(path, d)]
        default:
            return []
        }
    }

    /// Lays `user` over `base`, checking names and kinds; members keep the order of the defaults.
    static func merge(_ user: JSONValue, over base: JSONValue, path: String, file: String, choices: [String: [String]] = [:]) throws
        -> JSONValue
    {
        if case .object(let baseObject) = base {
            guard case .object(let userObject) = user else {
                throw ConfigError(file: file, field: path, message: "expected an object, found \(user.kind)")
            }
            var result = baseObject
            for (key, value) in userObject {
                let field = path.isEmpty ? key : "\(path).\(key)"
                guard let index = baseObject.firstIndex(where: { $0.key == key }) else {
                    let known = baseObject.map(\.key).sorted().joined(separator: ", ")
                    throw ConfigError(file: file, field: field, message: "unknown field (known here: \(known))")
                }
                result[index].value = try merge(value, over: baseObject[index].value, path: field, file: file, choices: choices)
            }
            return .object(result)
        }
        guard fits(user, base) else {
            throw ConfigError(file: file, field: path, message: "expected \(base.kind), found \(user.kind)")
        }
        if let allowed = choices[path], let value = user.string, !allowed.contains(value) {
            let list = allowed.count > 1 ? allowed.dropLast().joined(separator: ", ") + " or " + (allowed.last ?? "") : allowed.joined()
            throw ConfigError(file: file, field: path, message: "expected \(list), found '\(value)'")
        }
        return user
    }

    /// Whether `user` may stand where a value of `base`'s kind is expected (integers and numbers stand
    /// for each other; the decoder then rejects a fraction where an integer belongs).
    private static func fits(_ user: JSONValue, _ base: JSONValue) -> Bool {
        switch (user, base) {
        case (.integer, .number), (.number, .integer): return true
        default: return user.kind == base.kind
        }
    }

    private static func dotted(_ path: [CodingKey]) -> String {
        path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
}
