import Foundation
import Pipeline
import Testing

@Suite struct StrictJSONTests {
    struct Inner: Codable, Equatable {
        var steps = 100
        var lr = 0.001
        var name = "tiny"
    }

    struct Outer: Codable, Equatable {
        var corpora = ["a.txt"]
        var lm = Inner()
        var verbose = false
    }

    func decode(_ json: String) throws -> Outer {
        try StrictJSON.decode(Outer.self, defaults: Outer(), from: Data(json.utf8), file: "p.json")
    }

    @Test func missingFieldsKeepTheirDefaults() throws {
        let config = try decode(#"{"lm": {"steps": 7, "lr": 1}}"#)
        #expect(config.lm.steps == 7)
        #expect(config.lm.lr == 1.0)
        #expect(config.lm.name == "tiny")
        #expect(config.corpora == ["a.txt"])
    }

    @Test func unknownFieldsAreNamed() {
        let error = #expect(throws: StrictJSON.ConfigError.self) { try decode(#"{"lm": {"stepz": 7}}"#) }
        #expect(error?.field == "lm.stepz")
        #expect(error?.description.hasPrefix("p.json: field 'lm.stepz': unknown field") == true, "\(String(describing: error))")
    }

    @Test func wrongTypesAreNamed() {
        let cases = [
            (#"{"lm": {"steps": "100"}}"#, "lm.steps", "expected an integer, found a string"),
            (#"{"verbose": 1}"#, "verbose", "expected a boolean, found an integer"),
            (#"{"corpora": "a.txt"}"#, "corpora", "expected an array, found a string"),
            (#"{"lm": 3}"#, "lm", "expected an object, found an integer"),
        ]
        for (json, field, message) in cases {
            let error = #expect(throws: StrictJSON.ConfigError.self, "\(json)") { try decode(json) }
            #expect(error?.field == field)
            #expect(error?.message.contains(message) == true, "\(String(describing: error))")
        }
        // A fraction where an integer belongs is caught by the decoder, still naming the field.
        let fraction = #expect(throws: StrictJSON.ConfigError.self) { try decode(#"{"lm": {"steps": 1.5}}"#) }
        #expect(fraction?.field == "lm.steps")
    }

    @Test func invalidJSONIsAClearError() {
        #expect(throws: StrictJSON.ConfigError.self) { try decode(#"{"lm": "#) }
    }
}
