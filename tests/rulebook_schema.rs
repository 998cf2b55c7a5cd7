//! The JSON Schema of rulebooks: up to date, and accepting what scrutin accepts.

use serde_json::Value;

const COMMITTED: &str = "schema/rulebook.schema.json";

fn validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(COMMITTED).unwrap()).unwrap();
    jsonschema::validator_for(&schema).expect("the schema compiles")
}

/// A YAML rulebook as the JSON value an editor's YAML extension validates.
fn as_json(path: &std::path::Path) -> Value {
    serde_saphyr::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn the_committed_schema_is_up_to_date() {
    let committed = std::fs::read_to_string(COMMITTED).unwrap();
    assert!(
        committed == scrutin::rulebook::schema::json_schema(),
        "{COMMITTED} is out of date: run `cargo run -- rules schema > {COMMITTED}`"
    );
}

#[test]
fn every_shipped_rulebook_follows_the_schema() {
    let validator = validator();
    let mut checked = 0;
    for country in std::fs::read_dir("rules").unwrap() {
        let country = country.unwrap().path();
        // rules/keywords/ holds the keyword lists of source profiles.
        if !country.is_dir() || country.ends_with("keywords") {
            continue;
        }
        for file in std::fs::read_dir(&country).unwrap() {
            let path = file.unwrap().path();
            let errors: Vec<String> = validator
                .iter_errors(&as_json(&path))
                .map(|e| e.to_string())
                .collect();
            assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
            checked += 1;
        }
    }
    assert!(checked >= 14);
}

#[test]
fn the_schema_rejects_what_scrutin_rejects() {
    let validator = validator();
    let law = as_json("rules/uk/law.yaml".as_ref());
    assert!(validator.is_valid(&law));
    let mut misspelt = law.clone();
    let rule = misspelt["rules"][0].as_object_mut().unwrap();
    let severity = rule.remove("severity").unwrap();
    rule.insert("severty".into(), severity);
    assert!(
        !validator.is_valid(&misspelt),
        "an unknown field is refused"
    );
    let mut fatal = law.clone();
    fatal["rules"][0]["severity"] = Value::from("fatal");
    assert!(
        !validator.is_valid(&fatal),
        "an unknown severity is refused"
    );
}
