/// A split-block Bloom filter over 64-bit keys: "not there" for most keys that are not, from a
/// few hundred kilobytes that stay in the core's cache, where the exact table (megabytes for a
/// large vocabulary) costs a memory miss per lookup. ``BPEModel`` keeps one over its merge
/// pairs (in Chinese, 95% of the distinct pairs a byte-level BPE looks up are not merges) and
/// one over its tokens' bytes (most new words are not a token of their own).
///
/// Each key sets one bit in each of the eight 32-bit words of one 32-byte block (the layout of
/// Parquet's split-block filters); a key is possibly present when all eight are set.
package struct KeyFilter: Sendable {
    /// Eight words per block.
    private let words: [UInt32]
    /// The number of blocks.
    private let blocks: UInt64
    private static let salts: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (
        0x47B6_137B, 0x4497_4D91, 0x8824_AD5B, 0xA2B7_289D, 0x7054_95C7, 0x2DF1_424B, 0x9EFC_4947, 0x5C6B_FB31
    )

    /// A filter over `keys`: one block (256 bits) per 32 keys, 8 bits per key (about 2%
    /// false positives).
    package init(keys: [UInt64]) {
        let blocks = max(1, (keys.count + 31) / 32)
        self.blocks = UInt64(blocks)
        var words = [UInt32](repeating: 0, count: 8 * blocks)
        for key in keys {
            let (block, masks) = Self.place(key, UInt64(blocks))
            for i in 0..<8 { words[8 * block + i] |= masks[i] }
        }
        self.words = words
    }

    /// The block of `key` and the bit it sets in each of the block's words.
    @inline(__always)
    private static func place(_ key: UInt64, _ blocks: UInt64) -> (Int, SIMD8<UInt32>) {
        let h = (key ^ key >> 31) &* 0x9E37_79B9_7F4A_7C15
        // The block from the high half (scaled to the count), the bits from the low half.
        let block = Int(truncatingIfNeeded: ((h >> 32) &* blocks) >> 32)
        let h32 = UInt32(truncatingIfNeeded: h)
        let s = salts
        let bits = (SIMD8<UInt32>(s.0, s.1, s.2, s.3, s.4, s.5, s.6, s.7) &* h32) &>> 27
        return (block, SIMD8<UInt32>(repeating: 1) &<< bits)
    }

    /// False when `key` is certainly not in the filter.
    @inline(__always)
    package func mayContain(_ key: UInt64) -> Bool {
        let (block, masks) = Self.place(key, blocks)
        return words.withUnsafeBufferPointer { w in
            let stored = UnsafeRawPointer(w.baseAddress! + 8 * block).loadUnaligned(as: SIMD8<UInt32>.self)
            // Missing bits, folded to one word (`all(… .== …)` is a generic call that is not inlined).
            let missing = unsafeBitCast((stored & masks) ^ masks, to: SIMD4<UInt64>.self)
            return missing[0] | missing[1] | missing[2] | missing[3] == 0
        }
    }
}
