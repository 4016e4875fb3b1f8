/// The checks a configuration section's validation applies to its fields. Each failure is a
/// ``PipelineError`` naming the field with its section (`field 'mlm.dim': …`) and what was expected.
struct FieldCheck {
    /// The section's key prefix with its dot (`"mlm."`), or `""` for fields named in full.
    let prefix: String

    /// The error for `field`.
    func fail(_ field: String, _ message: String) -> PipelineError { PipelineError("field '\(prefix)\(field)': \(message)") }

    /// Throws ``fail(_:_:)`` unless `ok`.
    func check(_ ok: Bool, _ field: String, _ message: String) throws {
        if !ok { throw fail(field, message) }
    }

    /// `value` must lie in `lower...upper`.
    func range<T: Comparable>(_ field: String, _ value: T, _ lower: T, _ upper: T) throws {
        try check(lower <= value && value <= upper, field, "expected a value from \(lower) to \(upper), found \(value)")
    }

    /// `value` must be finite and lie between `lower` and `upper`, each bound closed unless marked open.
    func real(_ field: String, _ value: Double, _ lower: Double, _ upper: Double, openLower: Bool = false, openUpper: Bool = false) throws {
        let ok = value.isFinite && (openLower ? value > lower : value >= lower) && (openUpper ? value < upper : value <= upper)
        try check(ok, field, "expected a finite number in \(openLower ? "(" : "[")\(lower), \(upper)\(openUpper ? ")" : "]"), found \(value)")
    }
}
