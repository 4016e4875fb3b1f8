import TextNormalization

/// SentencePiece's BPE segmentation: the text is split into characters (a user-defined piece
/// is one symbol), then the adjacent pair whose concatenation is the highest-scored piece is
/// merged (the leftmost on a tie) until no pair forms a piece. A symbol that is no piece is
/// unknown: spelled as `<0xXX>` byte pieces with byte fallback, else the unknown id. Only
/// normal, user-defined and unused pieces take part; control, unknown and byte pieces do not.
package struct SentencePieceBPE: Sendable {
    let vocabulary: Vocabulary
    let scores: [Float]
    /// Whether each id may be produced by merging (normal and user-defined pieces).
    let mergeable: [Bool]
    /// Whether each id is a piece of the text at all (normal, user-defined, unused).
    let matchable: [Bool]
    let userDefined: [[UInt8]]
    let userFirst: [Bool]
    let unknownID: UInt32?
    let byteFallback: Bool
    let byteIDs: [UInt32]

    /// Creates the model; `userDefined` pieces are kept whole as initial symbols.
    package init(
        vocabulary: Vocabulary, scores: [Float], mergeable: [Bool], matchable: [Bool], userDefined: [String], unknownID: UInt32?,
        byteFallback: Bool
    ) {
        self.vocabulary = vocabulary
        self.scores = scores
        self.mergeable = mergeable
        self.matchable = matchable
        self.unknownID = unknownID
        self.byteFallback = byteFallback
        let bytes = userDefined.map { Array($0.utf8) }.filter { !$0.isEmpty }.sorted { $0.count > $1.count }
        var first = [Bool](repeating: false, count: 256)
        for p in bytes { first[Int(p[0])] = true }
        self.userDefined = bytes
        self.userFirst = first
        byteIDs = vocabulary.byteFallbackIDs
    }

    /// One queued pair: the merged piece's score, its left and right symbols and its byte length.
    /// The highest score leaves the queue first, the leftmost on a tie (sentencepiece's order).
    struct Pair: HeapOrdered {
        var score: Float
        var left: Int32
        var right: Int32
        var size: Int32

        @inline(__always) static func precedes(_ a: Pair, _ b: Pair) -> Bool {
            a.score > b.score || (a.score == b.score && a.left < b.left)
        }
    }

    /// Reusable buffers.
    package struct Scratch {
        var start: [Int32] = []
        var length: [Int32] = []
        var previous: [Int32] = []
        var next: [Int32] = []
        var heap = BinaryHeap<Pair>()
        package init() {}
    }

    /// Encodes one piece of normalized text, appending `(id, start, end)` byte ranges relative to it.
    func encode(_ word: UnsafeBufferPointer<UInt8>, scratch s: inout Scratch, into out: inout [(UInt32, Int32, Int32)]) {
        guard let base = word.baseAddress, !word.isEmpty else { return }
        let n = word.count
        s.start.removeAll(keepingCapacity: true); s.length.removeAll(keepingCapacity: true)
        s.previous.removeAll(keepingCapacity: true); s.next.removeAll(keepingCapacity: true)
        s.heap.removeAll()
        var i = 0
        while i < n {
            var length = max(UTF8Validation.sequenceLength(base, at: i, end: n), 1)
            if userFirst[Int(base[i])] {
                for p in userDefined where p.count <= n - i {
                    var same = true
                    for k in 0..<p.count where p[k] != base[i + k] { same = false; break }
                    if same { length = p.count; break }
                }
            }
            let k = Int32(s.start.count)
            s.start.append(Int32(i)); s.length.append(Int32(length)); s.previous.append(k - 1); s.next.append(k + 1)
            i += length
        }
        s.next[s.next.count - 1] = -1
        func add(_ left: Int32, _ right: Int32, _ s: inout Scratch) {
            guard left >= 0, right >= 0 else { return }
            let from = Int(s.start[Int(left)])
            let size = Int(s.length[Int(left)] + s.length[Int(right)])
            guard let id = vocabulary.id(bytes: base + from, count: size), mergeable[Int(id)] else { return }
            s.heap.push(Pair(score: scores[Int(id)], left: left, right: right, size: Int32(size)))
        }
        for k in 1..<Int32(s.start.count) { add(k - 1, k, &s) }
        while let top = s.heap.pop() {
            let l = Int(top.left), r = Int(top.right)
            // Stale: one side was merged away or grew since the pair was queued.
            if s.length[l] == 0 || s.length[r] == 0 || s.length[l] + s.length[r] != top.size { continue }
            s.length[l] += s.length[r]
            s.length[r] = 0
            s.next[l] = s.next[r]
            if s.next[r] >= 0 { s.previous[Int(s.next[r])] = Int32(l) }
            add(s.previous[l], Int32(l), &s)
            add(Int32(l), s.next[l], &s)
        }
        var k: Int32 = 0
        while k >= 0 {
            let from = Int(s.start[Int(k)]), length = Int(s.length[Int(k)])
            let start32 = Int32(from), end32 = Int32(from + length)
            if let id = vocabulary.id(bytes: base + from, count: length), matchable[Int(id)] {
                out.append((id, start32, end32))
            } else if byteFallback && (from..<(from + length)).allSatisfy({ byteIDs[Int(base[$0])] != .max }) {
                for b in from..<(from + length) { out.append((byteIDs[Int(base[b])], start32, end32)) }
            } else if let u = unknownID {
                out.append((u, start32, end32))
            }
            k = s.next[Int(k)]
        }
    }
}
