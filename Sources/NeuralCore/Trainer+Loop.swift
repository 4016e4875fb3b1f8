/// The training loop shared by `tessera train-lm` and the pipeline's LM stage.
extension Trainer {
    /// Trains until step `options.steps`, or until `stopAfter` more steps when given.
    ///
    /// After each step `progress` receives the step's result and, on validation steps (every
    /// `options.evalInterval` steps and the last), the validation loss. `checkpoint` runs every
    /// `options.checkpointInterval` steps before the last, and once when the loop ends, however it ends.
    /// Returns whether training reached `options.steps`.
    ///
    /// ```swift
    /// let finished = try trainer.run(checkpoint: { try Checkpoint.save(to: dir, model: m, trainer: trainer, tokenizer: t) }) { r, val in
    ///     print(trainer.step, r.loss, val ?? .nan)
    /// }
    /// ```
    @discardableResult
    public func run(
        stopAfter: Int? = nil, checkpoint: () throws -> Void,
        progress: (StepResult, Float?) throws -> Void
    ) throws -> Bool {
        let first = step
        while step < options.steps {
            if let stopAfter, step - first >= stopAfter { break }
            let result = try trainStep()
            let s = step
            let isValidationStep = options.evalInterval > 0 && (s % options.evalInterval == 0 || s == options.steps)
            try progress(result, isValidationStep ? try validationLoss() : nil)
            if options.checkpointInterval > 0 && s % options.checkpointInterval == 0 && s < options.steps {
                try checkpoint()
            }
        }
        try checkpoint()
        return step >= options.steps
    }
}
