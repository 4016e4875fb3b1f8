import Foundation
import Pipeline
import Testing
import TransformerLM

/// The pipeline configuration's typed fields, read from their JSON strings.
@Suite struct PipelineConfigTests {
    func decode(_ json: String) throws -> PipelineConfig {
        try StrictJSON.decode(PipelineConfig.self, defaults: PipelineConfig(), from: Data(json.utf8), file: "p.json")
    }

    @Test func enumFieldsDecodeFromTheirStrings() throws {
        let config = try decode(
            #"{"normalize": {"form": "nfc"}, "tokenizer": {"model": "wordpiece"}, "lm": {"positions": "sinusoidal", "norm": "post", "activation": "relu", "ffn": "moe"}}"#
        )
        #expect(config.normalize.form == .nfc)
        #expect(config.tokenizer.model == .wordPiece)
        #expect(config.lm.positions == .sinusoidal && config.lm.norm == .post && config.lm.activation == .relu && config.lm.ffn == .moe)
    }

    @Test(arguments: [
        (#"{"normalize": {"form": "nfkx"}}"#, "normalize.form", "expected none, nfc, nfd, nfkc or nfkd, found 'nfkx'"),
        (
            #"{"tokenizer": {"model": "sentencepiece"}}"#, "tokenizer.model",
            "expected byte-bpe, bpe, wordpiece or unigram, found 'sentencepiece'"
        ),
        (#"{"lm": {"positions": "rotary"}}"#, "lm.positions", "expected sinusoidal or learned, found 'rotary'"),
        (#"{"lm": {"ffn": "sparse"}}"#, "lm.ffn", "expected dense or moe, found 'sparse'"),
        (#"{"lm": {"arch": "cnn"}}"#, "lm.arch", "expected transformer, rnn, lstm or gru, found 'cnn'"),
    ])
    func aValueOutsideAnEnumIsNamedWithTheValuesAllowed(json: String, field: String, message: String) {
        let error = #expect(throws: StrictJSON.ConfigError.self) { try decode(json) }
        #expect(error?.field == field)
        #expect(error?.message == message, "\(String(describing: error))")
    }

    /// An architecture the pipeline does not know is one line naming the file, `lm.arch` and the values allowed.
    @Test func anUnknownArchitectureIsOneLineNamingLMArch() {
        let error = #expect(throws: StrictJSON.ConfigError.self) { try decode(#"{"lm": {"arch": "mamba", "hidden": 64}}"#) }
        #expect(error?.description == "p.json: field 'lm.arch': expected transformer, rnn, lstm or gru, found 'mamba'")
        #expect(error?.description.contains("\n") == false)
    }

    @Test func recurrentOptionsDecode() throws {
        let config = try decode(#"{"lm": {"arch": "gru", "layers": 2, "hidden": 96, "embedDim": 64, "projection": true}}"#)
        #expect(config.lm.arch == .gru && config.lm.layers == 2 && config.lm.hidden == 96 && config.lm.projection)
        #expect(config.lm.embeddingWidth == 64)
    }

    @Test func theLanguageModelStageHasTheDefaultsOfTrainLM() {
        // One set of defaults: the pipeline's lm stage is LanguageModelSettings itself.
        #expect(PipelineConfig().lm == LanguageModelSettings())
        let options = LanguageModelSettings().trainingOptions()
        let settings = LanguageModelSettings()
        #expect(options.steps == settings.steps && options.batch == settings.batch && options.seed == UInt64(settings.seed))
        #expect(options.learningRate == Float(settings.lr) && options.checkpointInterval == settings.checkpointEvery)
        let model = settings.modelConfig(vocabularySize: 300)
        #expect(model.vocabSize == 300 && model.positions == settings.positions && model.dropout == Float(settings.dropout))
    }
}
