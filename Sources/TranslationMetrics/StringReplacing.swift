extension String {
    /// Every non-overlapping occurrence of `target` (compared by Unicode scalars, left to right, as
    /// Python's `str.replace`) replaced by `replacement`.
    func replacingAll(_ target: String, with replacement: String) -> String {
        let source = Array(unicodeScalars)
        let pattern = Array(target.unicodeScalars)
        guard !pattern.isEmpty, source.count >= pattern.count else { return self }
        var out = String.UnicodeScalarView()
        var index = 0
        var changed = false
        while index < source.count {
            if index + pattern.count <= source.count && source[index..<(index + pattern.count)].elementsEqual(pattern) {
                out.append(contentsOf: replacement.unicodeScalars)
                index += pattern.count
                changed = true
            } else {
                out.append(source[index])
                index += 1
            }
        }
        return changed ? String(out) : self
    }
}
