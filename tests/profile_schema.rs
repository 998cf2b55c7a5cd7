//! The JSON Schema of source profiles: up to date, and accepting what
//! scrutin accepts.
//!
//! After a deliberate change to the profile's YAML:
//! `SCRUTIN_WRITE_SCHEMA=1 cargo test --test profile_schema` writes it anew.

use serde_json::Value;

const COMMITTED: &str = "schema/profile.schema.json";

/// A complete profile: every key the format has.
const COMPLETE: &str = r#"name: lemonde-rss
input: rss
timestamp: { field: pubDate, format: rfc2822 }
first_published:
  field: dc:date
  format: "%d/%m/%Y %H:%M"
  zone: Europe/Paris
  overlap: earlier
fields:
  outlet: { value: lemonde.fr }
  id: { field: guid }
  tags: { field: category, optional: true }
  sponsor: { field: bylines, map: { "": unknown }, default: unknown }
kind:
  field: category
  map: { Sondages: poll }
  optional: true
  classify:
    in: [title, description]
    rules:
      - { kind: result, lists: [fr.exit_poll], keywords: [estimations] }
      - { kind: poll, pattern: '(?i)\bsondages?\b', in: [title] }
    default: news
    severity: warning
"#;

fn validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(COMMITTED).unwrap()).unwrap();
    jsonschema::validator_for(&schema).expect("the schema compiles")
}

/// A YAML profile as the JSON value an editor's YAML extension validates.
fn as_json(text: &str) -> Value {
    serde_saphyr::from_str(text).unwrap()
}

#[test]
fn the_committed_schema_is_up_to_date() {
    let generated = scrutin::publication::profile::json_schema();
    if std::env::var_os("SCRUTIN_WRITE_SCHEMA").is_some() {
        std::fs::write(COMMITTED, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(COMMITTED).unwrap_or_default();
    assert!(
        committed == generated,
        "{COMMITTED} is out of date: run `SCRUTIN_WRITE_SCHEMA=1 cargo test --test profile_schema`"
    );
}

#[test]
fn a_complete_profile_follows_the_schema_and_loads() {
    let errors: Vec<String> = validator()
        .iter_errors(&as_json(COMPLETE))
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let source = scrutin::source::SourceFile::new("complete.yaml", COMPLETE);
    scrutin::publication::profile::parse(source, None).expect("the profile loads");
}

#[test]
fn the_schema_rejects_what_scrutin_rejects() {
    let validator = validator();
    let complete = as_json(COMPLETE);
    let wrong = |change: &dyn Fn(&mut Value), why: &str| {
        let mut profile = complete.clone();
        change(&mut profile);
        assert!(!validator.is_valid(&profile), "{why} is refused");
    };
    wrong(
        &|p| {
            let kind = p["kind"].as_object_mut().unwrap();
            let classify = kind.remove("classify").unwrap();
            kind.insert("clasify".into(), classify);
        },
        "an unknown field",
    );
    wrong(&|p| p["input"] = "rs".into(), "an unknown input");
    wrong(
        &|p| p["timestamp"]["format"] = "rfc822".into(),
        "an unknown time format",
    );
    wrong(
        &|p| p["first_published"]["overlap"] = "first".into(),
        "an unknown overlap",
    );
    wrong(
        &|p| p["fields"]["id"]["value"] = "x".into(),
        "both `field` and `value`",
    );
    wrong(
        &|p| p["fields"]["id"] = serde_json::json!({ "optional": true }),
        "neither `field` nor `value`",
    );
    wrong(
        &|p| p["kind"]["classify"]["in"] = serde_json::json!([]),
        "an empty `in`",
    );
    wrong(
        &|p| p["kind"]["classify"]["severity"] = "fatal".into(),
        "an unknown severity",
    );
    wrong(
        &|p| {
            p.as_object_mut()
                .unwrap()
                .remove("timestamp")
                .map(|_| ())
                .unwrap()
        },
        "a missing `timestamp`",
    );
}
