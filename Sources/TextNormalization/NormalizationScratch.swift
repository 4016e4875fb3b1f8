import CICU

/// Reusable UTF-16 buffers for ``Normalizer`` (one per thread).
///
/// ICU works on UTF-16: text is converted once per segment into these buffers, transformed
/// between them, and converted back. Keeping them between calls avoids an allocation per call.
public struct NormalizationScratch: Sendable {
    private var current: [UInt16] = []
    private var other: [UInt16] = []
    private var utf8: [UInt8] = []
    /// Number of UTF-16 code units of the text in the current buffer.
    private(set) var count: Int = 0

    /// Creates empty buffers; they grow to the largest segment seen.
    public init() {}

    /// Converts valid UTF-8 into the current buffer.
    mutating func loadUTF8(_ input: UnsafeBufferPointer<UInt8>) {
        let need = input.count + 1
        if current.count < need { current = [UInt16](repeating: 0, count: need) }
        var status: Int32 = 0
        count = Int(
            current.withUnsafeMutableBufferPointer { dst in
                tsr_utf8_to_utf16(input.baseAddress, Int32(input.count), dst.baseAddress, Int32(dst.count), &status)
            })
    }

    /// Runs an ICU transform from the current buffer into the other, growing it as needed, then swaps them.
    mutating func apply(
        _ transform: (UnsafePointer<UInt16>?, Int32, UnsafeMutablePointer<UInt16>?, Int32, UnsafeMutablePointer<Int32>) -> Int32
    ) {
        if other.count < count * 2 + 16 { other = [UInt16](repeating: 0, count: count * 2 + 16) }
        while true {
            var status: Int32 = 0
            let n = count
            let written = current.withUnsafeBufferPointer { src in
                other.withUnsafeMutableBufferPointer { dst in
                    transform(src.baseAddress, Int32(n), dst.baseAddress, Int32(dst.count), &status)
                }
            }
            if status == 1 {
                other = [UInt16](repeating: 0, count: Int(written) + 16)
                continue
            }
            precondition(status == 0, "ICU transform failed with status \(status)")
            swap(&current, &other)
            count = Int(written)
            return
        }
    }

    /// Length of the prefix that is already in normalization form `form`.
    func normalizedPrefix(form: Int32) -> Int {
        var status: Int32 = 0
        let n = count
        return Int(current.withUnsafeBufferPointer { tsr_normalized_prefix(form, $0.baseAddress, Int32(n), &status) })
    }

    /// Removes nonspacing marks in place.
    mutating func removeNonspacingMarks() {
        let n = count
        count = Int(current.withUnsafeMutableBufferPointer { tsr_remove_nonspacing_marks($0.baseAddress, Int32(n)) })
    }

    /// BERT clean-up in place.
    mutating func cleanInPlace(keepNewlines: Bool) {
        let n = count
        count = Int(current.withUnsafeMutableBufferPointer { tsr_clean($0.baseAddress, Int32(n), keepNewlines ? 1 : 0) })
    }

    /// Converts the current buffer back to UTF-8 and appends it to `output`.
    mutating func appendUTF8(to output: inout [UInt8]) {
        let need = count * 3 + 1
        if utf8.count < need { utf8 = [UInt8](repeating: 0, count: need) }
        var status: Int32 = 0
        let n = count
        let written = current.withUnsafeBufferPointer { src in
            utf8.withUnsafeMutableBufferPointer { dst in
                tsr_utf16_to_utf8(src.baseAddress, Int32(n), dst.baseAddress, Int32(dst.count), &status)
            }
        }
        utf8.withUnsafeBufferPointer { output.append(contentsOf: UnsafeBufferPointer(rebasing: $0[0..<Int(written)])) }
    }
}
