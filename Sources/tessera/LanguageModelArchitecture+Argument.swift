import ArgumentParser
import NeuralCore

/// `--arch` of `train-lm` and `bench train-lm`: `transformer`, `rnn`, `lstm` or `gru`.
extension LanguageModelArchitecture: ExpressibleByArgument {}
