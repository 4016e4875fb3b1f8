import ArgumentParser
import Foundation

/// The option-validation layer shared by every command's `validate()`: each numeric option has a
/// range, checked before any work; non-finite values (NaN, ±inf) are always rejected.
enum OptionCheck {
    /// The most worker threads any command accepts (per-thread buffers make more than this a memory hazard).
    static let maxThreads = 256

    /// Throws unless `lower ≤ value ≤ upper`.
    static func range<T: BinaryInteger>(_ name: String, _ value: T, _ bounds: ClosedRange<T>) throws {
        guard bounds.contains(value) else {
            throw ValidationError("\(name) \(value): expected an integer from \(bounds.lowerBound) to \(bounds.upperBound)")
        }
    }

    /// Throws unless `value` is finite and within `bounds` (excluding the lower bound when `openLower`,
    /// the upper one when `openUpper`).
    static func range<F: BinaryFloatingPoint>(
        _ name: String, _ value: F, _ bounds: ClosedRange<Double>,
        openLower: Bool = false, openUpper: Bool = false
    ) throws {
        let v = Double(value)
        let ok =
            v.isFinite && (openLower ? v > bounds.lowerBound : v >= bounds.lowerBound)
            && (openUpper ? v < bounds.upperBound : v <= bounds.upperBound)
        guard ok else {
            let lower = openLower ? "(" : "[", upper = openUpper ? ")" : "]"
            throw ValidationError(
                "\(name) \(value): expected a finite number in \(lower)\(format(bounds.lowerBound)), \(format(bounds.upperBound))\(upper)")
        }
    }

    /// `--threads`: 1 … ``maxThreads``.
    static func threads(_ value: Int, name: String = "--threads") throws { try range(name, value, 1...maxThreads) }

    /// Throws when a list option names the same item twice.
    static func distinct(_ name: String, _ items: [String]) throws {
        var seen = Set<String>()
        for item in items where !seen.insert(item).inserted {
            throw ValidationError("\(name): \(item.debugDescription) is listed twice; each item must appear once")
        }
    }

    /// Throws unless the input file exists and is a readable regular file (or `-`).
    static func readable(_ name: String, _ path: String) throws {
        if path == "-" { return }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ValidationError("\(name) \(path): no such file")
        }
        if isDirectory.boolValue { throw ValidationError("\(name) \(path): is a directory, expected a file") }
        guard FileManager.default.isReadableFile(atPath: path) else { throw ValidationError("\(name) \(path): not readable") }
    }

    private static func format(_ x: Double) -> String {
        x.isInfinite ? (x > 0 ? "inf" : "-inf") : x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
    }
}
