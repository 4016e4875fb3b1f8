import TextNormalization

/// `Strip`: removes whitespace (Unicode White_Space) at the left and/or right end.
package struct StripNormalizer: NormalizerComponent {
    package var left: Bool
    package var right: Bool

    package func normalize(_ text: inout AlignedText) {
        let scalars = text.scalars()
        var lower = 0, upper = scalars.count
        if left { while lower < upper && CharacterClass.of(scalars[lower].scalar).contains(.whitespace) { lower += 1 } }
        if right { while upper > lower && CharacterClass.of(scalars[upper - 1].scalar).contains(.whitespace) { upper -= 1 } }
        guard lower > 0 || upper < scalars.count else { return }
        let from = lower < scalars.count ? scalars[lower].offset : text.bytes.count
        let to = upper > 0 && upper > lower ? scalars[upper - 1].offset + scalars[upper - 1].length : from
        let origin = text.origin
        text = text.slice(from..<to)
        if text.isEmpty { text.origin = origin }
    }

    package var json: String { "{\"type\": \"Strip\", \"strip_left\": \(left), \"strip_right\": \(right)}" }
}
