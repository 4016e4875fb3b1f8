/// Carries a value into a `@Sendable` closure when the caller guarantees that the threads using
/// it touch disjoint state (each worker its own session and output slots).
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
