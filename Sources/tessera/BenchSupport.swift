import ArgumentParser
import Foundation
import TextNormalization

/// Shared pieces of the `bench` commands: loading input, timing, JSON output.
enum BenchSupport {
    /// Reads a whole text file (validated UTF-8) into memory.
    static func load(_ path: String) throws -> [UInt8] {
        try TextChunkReader.checkReadable(path)
        var bytes: [UInt8] = []
        try TextChunkReader(path: path).forEachChunk { chunk, _ in bytes.append(contentsOf: chunk) }
        return bytes
    }

    /// The best wall-clock time of `repeats` runs of `body`, in seconds.
    static func bestTime(repeats: Int, _ body: () throws -> Void) rethrows -> Double {
        var best = Double.infinity
        for _ in 0..<max(repeats, 1) {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return best
    }

    /// Peak resident set size of this process so far, in bytes.
    static func peakRSS() -> Int {
        var usage = rusage()
        getrusage(0, &usage)  // RUSAGE_SELF
        return usage.ru_maxrss * 1024
    }

    /// Prints one JSON object with sorted keys; a non-finite figure (a NaN loss) is an error
    /// naming it, never a silently missing line.
    static func emit(_ fields: [String: Any]) throws {
        for (key, value) in fields.sorted(by: { $0.key < $1.key }) {
            let number = (value as? Double) ?? (value as? Float).map(Double.init)
            if let number, !number.isFinite {
                throw ValidationError("\(key) is \(number): the computation produced a non-finite value (weights or data are not finite)")
            }
        }
        let data = try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }

    /// Line-aligned 1 MiB slices of `bytes`, as the streaming commands see them.
    static func slices(of bytes: UnsafeBufferPointer<UInt8>, size: Int = 1 << 20) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0
        while start < bytes.count {
            var end = min(start + size, bytes.count)
            if end < bytes.count {
                var k = end
                while k > start && bytes[k - 1] != 0x0A { k -= 1 }
                if k > start { end = k }
            }
            ranges.append(start..<end)
            start = end
        }
        return ranges
    }
}
