//! A JSON Schema (draft 2020-12) checker for the subset of keywords the tool's own schemas use,
//! so that the schemas in `schemas/` are what `bundle verify` checks a bag's files against (they
//! are built into the binary). A schema using any other keyword is refused when it is loaded (a
//! test loads every schema), so no rule in a schema is silently ignored.
//!
//! Keywords: `type`, `properties`, `required`, `additionalProperties`, `items`, `enum`, `const`,
//! `pattern`, `minLength`, `maxLength`, `minimum`, `maximum`, `minItems`, `maxItems`, `not`,
//! `$ref` (to `#/$defs/...`), `format` (`date` and `date-time`, asserted); `$schema`, `$id`,
//! `$defs`, `title`, `description` and `$comment` are annotations.
//!
//! Messages name where a value fails (a JSON pointer) and which rule, never the value itself: a
//! bag's values are personal data.

use serde_json::Value;

/// Keywords that only annotate.
const ANNOTATIONS: &[&str] = &["$schema", "$id", "$defs", "title", "description", "$comment", "examples"];
/// Keywords that are checked.
const ASSERTIONS: &[&str] = &[
    "type",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "enum",
    "const",
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "minItems",
    "maxItems",
    "not",
    "$ref",
    "format",
];

/// A loaded schema.
pub struct Schema {
    root: Value,
    /// Every `pattern`, compiled once at load.
    patterns: std::collections::HashMap<String, regex::Regex>,
}

impl Schema {
    /// Load a schema, refusing any keyword this checker does not know.
    pub fn new(text: &str) -> Result<Schema, String> {
        let root: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        let mut patterns = std::collections::HashMap::new();
        known_keywords(&root, "#", &mut patterns)?;
        Ok(Schema { root, patterns })
    }

    /// Check a value: the first place it fails, as "POINTER: RULE".
    pub fn check(&self, v: &Value) -> Result<(), String> {
        self.at(&self.root, v, "")
    }

    fn at(&self, s: &Value, v: &Value, path: &str) -> Result<(), String> {
        let Some(s) = s.as_object() else {
            return match s {
                Value::Bool(false) => Err(format!("{}: not allowed", shown(path))),
                _ => Ok(()),
            };
        };
        let fail = |rule: String| Err(format!("{}: {rule}", shown(path)));
        if let Some(r) = s.get("$ref").and_then(Value::as_str) {
            let target = r
                .strip_prefix('#')
                .and_then(|p| self.root.pointer(p))
                .ok_or_else(|| format!("the schema's $ref {r} leads nowhere"))?;
            self.at(target, v, path)?;
        }
        if let Some(t) = s.get("type")
            && !type_matches(t, v)
        {
            return fail(format!("must be {}", type_name(t)));
        }
        if let Some(c) = s.get("const")
            && c != v
        {
            return fail("is not the value this format has".into());
        }
        if let Some(e) = s.get("enum").and_then(Value::as_array)
            && !e.contains(v)
        {
            let names: Vec<String> = e.iter().map(|x| x.as_str().map_or_else(|| x.to_string(), String::from)).collect();
            return fail(format!("must be one of {}", names.join(", ")));
        }
        if let Some(n) = s.get("not")
            && self.at(n, v, path).is_ok()
        {
            return fail("matches what is not allowed here".into());
        }
        match v {
            Value::String(text) => self.string_rules(s, text).map_err(|rule| format!("{}: {rule}", shown(path)))?,
            Value::Number(n) => {
                let x = n.as_f64().unwrap_or(f64::NAN);
                if s.get("minimum").and_then(Value::as_f64).is_some_and(|m| x < m) {
                    return fail("is below the minimum".into());
                }
                if s.get("maximum").and_then(Value::as_f64).is_some_and(|m| x > m) {
                    return fail("is above the maximum".into());
                }
            }
            Value::Array(items) => {
                let n = items.len() as u64;
                if s.get("minItems").and_then(Value::as_u64).is_some_and(|m| n < m) {
                    return fail("has too few items".into());
                }
                if s.get("maxItems").and_then(Value::as_u64).is_some_and(|m| n > m) {
                    return fail("has too many items".into());
                }
                if let Some(is) = s.get("items") {
                    for (i, x) in items.iter().enumerate() {
                        self.at(is, x, &format!("{path}/{i}"))?;
                    }
                }
            }
            Value::Object(map) => {
                for k in s.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str) {
                    if !map.contains_key(k) {
                        return fail(format!("{k} is required"));
                    }
                }
                let props = s.get("properties").and_then(Value::as_object);
                for (k, x) in map {
                    let at = format!("{path}/{}", k.replace('~', "~0").replace('/', "~1"));
                    match (props.and_then(|p| p.get(k)), s.get("additionalProperties")) {
                        (Some(ps), _) => self.at(ps, x, &at)?,
                        (None, Some(Value::Bool(false))) => {
                            // The key is data too: say only that there is one too many.
                            return fail("has a property this format does not have".into());
                        }
                        (None, Some(extra)) => self.at(extra, x, &at)?,
                        (None, None) => {}
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn string_rules(&self, s: &serde_json::Map<String, Value>, text: &str) -> Result<(), String> {
        let chars = text.chars().count() as u64;
        if s.get("minLength").and_then(Value::as_u64).is_some_and(|m| chars < m) {
            return Err("is too short".into());
        }
        if s.get("maxLength").and_then(Value::as_u64).is_some_and(|m| chars > m) {
            return Err("is too long".into());
        }
        if let Some(p) = s.get("pattern").and_then(Value::as_str) {
            let re = self.patterns.get(p).ok_or_else(|| "the schema's pattern was not compiled".to_string())?;
            if !re.is_match(text) {
                return Err("is not in the form this format needs".into());
            }
        }
        match s.get("format").and_then(Value::as_str) {
            Some("date") if crate::domain::model::parse_date(text).is_none() => {
                Err("is not a date (YYYY-MM-DD)".into())
            }
            Some("date-time") if crate::domain::model::parse_timestamp(text).is_none() => {
                Err("is not a time (YYYY-MM-DDTHH:MM:SSZ)".into())
            }
            _ => Ok(()),
        }
    }
}

fn shown(path: &str) -> &str {
    if path.is_empty() { "(the whole file)" } else { path }
}

fn type_matches(t: &Value, v: &Value) -> bool {
    match t {
        Value::String(name) => match name.as_str() {
            "string" => v.is_string(),
            "integer" => v.as_i64().is_some() || v.as_u64().is_some(),
            "number" => v.is_number(),
            "boolean" => v.is_boolean(),
            "object" => v.is_object(),
            "array" => v.is_array(),
            "null" => v.is_null(),
            _ => false,
        },
        Value::Array(any) => any.iter().any(|x| type_matches(x, v)),
        _ => false,
    }
}

fn type_name(t: &Value) -> String {
    match t {
        Value::Array(any) => any.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(" or "),
        other => other.as_str().unwrap_or("?").to_string(),
    }
}

/// Refuse a schema with a keyword this checker does not apply.
fn known_keywords(
    s: &Value,
    at: &str,
    patterns: &mut std::collections::HashMap<String, regex::Regex>,
) -> Result<(), String> {
    let Some(map) = s.as_object() else { return Ok(()) };
    for (k, v) in map {
        if !ANNOTATIONS.contains(&k.as_str()) && !ASSERTIONS.contains(&k.as_str()) {
            return Err(format!("{at}: the keyword {k} is not one this checker applies"));
        }
        match k.as_str() {
            "properties" | "$defs" => {
                for (name, sub) in v.as_object().into_iter().flatten() {
                    known_keywords(sub, &format!("{at}/{k}/{name}"), patterns)?;
                }
            }
            "items" | "not" | "additionalProperties" => known_keywords(v, &format!("{at}/{k}"), patterns)?,
            "format" if !matches!(v.as_str(), Some("date" | "date-time")) => {
                return Err(format!("{at}: the format {v} is not one this checker asserts"));
            }
            "pattern" => {
                let p = v.as_str().unwrap_or("(");
                // As JSON Schema's ECMA-262 patterns read them: `\d` is 0-9 only (the regex
                // crate's `\d` is every Unicode digit, which would let "٢٠٢٦" pass for a year).
                let re = regex::Regex::new(&p.replace(r"\d", "[0-9]")).map_err(|e| format!("{at}: pattern: {e}"))?;
                patterns.insert(p.to_string(), re);
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn checks_each_keyword_and_never_quotes_a_value() {
        let s = Schema::new(
            r##"{"type":"object","additionalProperties":false,"required":["a"],
            "properties":{"a":{"type":"string","pattern":"^x","maxLength":3},
            "b":{"enum":["p","q"]},"c":{"type":"array","items":{"$ref":"#/$defs/n"},"maxItems":2},
            "d":{"type":"string","format":"date"}},
            "$defs":{"n":{"type":"integer","minimum":0}}}"##,
        )
        .unwrap();
        assert!(s.check(&json!({"a":"xy","b":"p","c":[1,2],"d":"2026-01-31"})).is_ok());
        for (bad, why) in [
            (json!({}), "a is required"),
            (json!({"a":"secret-name"}), "/a: is too long"),
            (json!({"a":"yz"}), "/a: is not in the form"),
            (json!({"a":"x","b":"r"}), "/b: must be one of p, q"),
            (json!({"a":"x","c":[1,-1]}), "/c/1: is below the minimum"),
            (json!({"a":"x","c":[1,2,3]}), "/c: has too many items"),
            (json!({"a":"x","d":"2026-02-31"}), "/d: is not a date"),
            (json!({"a":"x","zed-private":1}), "has a property this format does not have"),
        ] {
            let e = s.check(&bad).unwrap_err();
            assert!(e.contains(why), "{e} (wanted {why})");
            assert!(!e.contains("secret") && !e.contains("zed"), "a message quotes data: {e}");
        }
    }

    #[test]
    fn a_digit_in_a_pattern_is_an_ascii_digit() {
        let s = Schema::new(r#"{"type":"string","pattern":"^\\d{4}$"}"#).unwrap();
        assert!(s.check(&serde_json::json!("2026")).is_ok());
        assert!(s.check(&serde_json::json!("٢٠٢٦")).is_err(), "Arabic-Indic digits are not 0-9");
    }

    #[test]
    fn a_keyword_it_does_not_apply_is_refused_at_load() {
        assert!(Schema::new(r#"{"type":"object","properties":{"a":{"oneOf":[]}}}"#).is_err());
        assert!(Schema::new(r#"{"format":"email"}"#).is_err());
    }
}
