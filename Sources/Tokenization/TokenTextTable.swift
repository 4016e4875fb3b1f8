import ArtifactIO

/// Every id's token string as UTF-8 bytes and as a JSON string literal, precomputed once so that
/// line output (`--format tokens|jsonl`) copies bytes instead of building strings.
struct TokenTextTable: Sendable {
    private let plain: [UInt8]
    private let plainStarts: [Int32]
    private let json: [UInt8]
    private let jsonStarts: [Int32]

    init(_ tokenizer: Tokenizer) {
        var plain: [UInt8] = [], json: [UInt8] = []
        var plainStarts: [Int32] = [0], jsonStarts: [Int32] = [0]
        for token in tokenizer.tokenStrings() {
            plain.append(contentsOf: token.utf8)
            json.append(contentsOf: JSONText.string(token).utf8)
            plainStarts.append(Int32(plain.count))
            jsonStarts.append(Int32(json.count))
        }
        self.plain = plain
        self.plainStarts = plainStarts
        self.json = json
        self.jsonStarts = jsonStarts
    }

    /// Appends the token string of `id` (nothing for an unknown id).
    @inline(__always)
    func appendPlain(_ id: UInt32, to out: inout [UInt8]) {
        let i = Int(id)
        guard i + 1 < plainStarts.count else { return }
        plain.withUnsafeBufferPointer {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: $0[Int(plainStarts[i])..<Int(plainStarts[i + 1])]))
        }
    }

    /// Appends the token string of `id` as a JSON string literal (`""` for an unknown id).
    @inline(__always)
    func appendJSON(_ id: UInt32, to out: inout [UInt8]) {
        let i = Int(id)
        guard i + 1 < jsonStarts.count else { out.append(0x22); out.append(0x22); return }
        json.withUnsafeBufferPointer {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: $0[Int(jsonStarts[i])..<Int(jsonStarts[i + 1])]))
        }
    }
}
