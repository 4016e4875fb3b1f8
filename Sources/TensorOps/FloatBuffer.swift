import Foundation

/// A fixed-size, zero-initialized, 64-byte-aligned buffer of `Float`.
///
/// Hot loops work on ``pointer`` directly; the buffer owns its memory and frees it on deinit.
public final class FloatBuffer: @unchecked Sendable {
    /// Number of floats.
    public let count: Int
    /// The first element; valid for `count` elements while the buffer lives.
    public let pointer: UnsafeMutablePointer<Float>

    // MARK: Creation

    /// Allocates `count` floats set to zero.
    public init(count: Int) {
        precondition(count >= 0, "FloatBuffer count must be non-negative")
        self.count = count
        let bytes = max(count, 1) * MemoryLayout<Float>.stride
        let raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
        raw.initializeMemory(as: Float.self, repeating: 0, count: max(count, 1))
        pointer = raw.assumingMemoryBound(to: Float.self)
    }

    /// Allocates a buffer holding a copy of `values`.
    public convenience init(_ values: [Float]) {
        self.init(count: values.count)
        values.withUnsafeBufferPointer { src in
            if let base = src.baseAddress { pointer.update(from: base, count: values.count) }
        }
    }

    deinit { UnsafeMutableRawPointer(pointer).deallocate() }

    // MARK: Access

    /// The elements as a mutable buffer pointer.
    public var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: pointer, count: count) }

    /// A copy of the elements as an array.
    public var array: [Float] { Array(buffer) }

    /// Sets every element to zero.
    public func zero() { pointer.update(repeating: 0, count: count) }

    /// Copies all elements from another buffer of the same size.
    public func copy(from other: FloatBuffer) {
        precondition(other.count == count, "FloatBuffer size mismatch")
        pointer.update(from: other.pointer, count: count)
    }
}
