/// How the trainer cuts training batches out of the token stream.
///
/// - `sequential`: consecutive windows, each epoch the same ones (`batch × context` tokens per
///   step, wrapping to the start). Every token is seen once per epoch.
/// - `random`: each row of a batch starts at a uniformly random offset, drawn from the seed and
///   the step alone (so a resumed run draws the same windows), as nanoGPT samples. On a corpus
///   seen for many epochs the model meets every token in ever different contexts instead of
///   the same windows again, which delays overfitting.
public enum WindowSampling: String, Codable, Sendable, CaseIterable {
    /// Consecutive windows, the same ones every epoch.
    case sequential
    /// Windows at random offsets, drawn from the seed and the step.
    case random
}
