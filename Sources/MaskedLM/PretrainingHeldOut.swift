/// Which pairs ``PretrainingData`` holds out for validation.
public enum PretrainingHeldOut: Sendable {
    /// The last fraction of the pairs built from the training documents (`train-mlm --val-fraction`).
    case tailOfPairs(fraction: Double)
    /// Pairs built from separate held-out documents (the pipeline's held-out text).
    case documents([[[Int32]]])
}
