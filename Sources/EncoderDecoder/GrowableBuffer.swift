import TensorOps

/// A float buffer that keeps its storage between batches and grows when a batch needs more.
final class GrowableBuffer {
    private(set) var storage = FloatBuffer(count: 1)

    /// At least `count` floats (contents undefined after growing).
    func pointer(_ count: Int) -> UnsafeMutablePointer<Float> {
        if storage.count < count { storage = FloatBuffer(count: count) }
        return storage.pointer
    }

    /// At least `count` zeroed floats.
    func zeroed(_ count: Int) -> UnsafeMutablePointer<Float> {
        let p = pointer(count)
        p.update(repeating: 0, count: count)
        return p
    }

    /// The current storage (after a `pointer(_:)` call sized it).
    var current: UnsafeMutablePointer<Float> { storage.pointer }
}
