//! A subset of MISP's Common Exercise Format (CEXF), so exercises written for MISP tools
//! can be run in Beacon. A CEXF file is one JSON object with `exercise` (name,
//! description, expanded text, uuid, total duration in seconds…), `inject_flow` (the
//! order and timing of the injects), `injects` (what each one is) and `inject_payloads`
//! (the files or connections an inject delivers).
//!
//! Beacon reads it as a one-phase scenario; `docs/readiness-format.md` has the mapping.
//! CEXF's automatic scoring rules (`inject_evaluation` parameters) have no Beacon
//! equivalent: only each rule's `result` name is kept, as a good-practice point for the
//! facilitator. Unknown keys are ignored, since CEXF files carry tool-specific ones.
//!
//! **Invariant:** the scenario returned passed [`Scenario::problems`]; anything CEXF
//! allows but Beacon cannot run (a flow step naming no inject, a negative time) is a
//! problem in the error rather than silently dropped.

use super::exercise::{ExerciseFileError, ExerciseFormat, FILE, checked};
use super::{ReadinessFileError, is_id, read_object};
use base64::Engine;
use beacon_core::readiness::exercise::EXERCISE_FORMAT;
use beacon_core::readiness::{GoodPractice, Inject, InjectAudience, Phase, Scenario};
use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// Longest inject body kept from a payload, in characters; longer text is cut with a note.
const MAX_BODY_CHARS: usize = 8_000;

/// Minutes a scenario runs past its last inject when the file gives no total duration.
const TAIL_MINUTES: u32 = 30;

/// MISP's Common Exercise Format, for the [registry](super::exercise::exercise_formats).
pub struct CommonExerciseFormat;

impl ExerciseFormat for CommonExerciseFormat {
    fn name(&self) -> &'static str {
        "cexf"
    }

    fn label(&self) -> &'static str {
        "MISP Common Exercise Format"
    }

    /// A JSON object with `exercise` and `inject_flow` members.
    fn detect(&self, _file_name: &str, head: &[u8]) -> bool {
        let text = String::from_utf8_lossy(head);
        text.trim_start_matches('\u{feff}')
            .trim_start()
            .starts_with('{')
            && text.contains("\"exercise\"")
            && text.contains("\"inject_flow\"")
    }

    fn read(&self, bytes: &[u8]) -> Result<Scenario, ExerciseFileError> {
        read_cexf(bytes)
    }
}

/// Reads a Common Exercise Format file into a checked one-phase scenario.
pub fn read_cexf(bytes: &[u8]) -> Result<Scenario, ExerciseFileError> {
    let (_, root) = read_object(FILE, bytes)?;
    let mut problems = Vec::new();
    let Some(exercise) = root.get("exercise").and_then(Value::as_object) else {
        return Err(ReadinessFileError::one(
            FILE,
            "a Common Exercise Format file needs an \"exercise\" object",
        ));
    };
    let name = text(exercise, "name");
    if name.is_empty() {
        problems.push("the exercise has no \"name\"".to_owned());
    }
    let description = text(exercise, "description");
    let expanded = text(exercise, "expanded");
    let id = [slug(&name), slug(&text(exercise, "uuid"))]
        .into_iter()
        .find(|id| !id.is_empty())
        .unwrap_or_else(|| "cexf-exercise".to_owned());

    let injects = by_uuid(&root, "injects", &mut problems);
    let payloads = by_uuid(&root, "inject_payloads", &mut problems);
    let flow = match root.get("inject_flow") {
        Some(Value::Array(flow)) => flow.as_slice(),
        Some(_) => {
            problems.push("\"inject_flow\" should be a list".to_owned());
            &[]
        }
        None => &[],
    };

    let mut ids = BTreeSet::new();
    let mut phase_injects = Vec::new();
    let mut good_practice = Vec::new();
    let mut minute = 0_i64;
    for (index, step) in flow.iter().enumerate() {
        let number = index + 1;
        let Some(step) = step.as_object() else {
            problems.push(format!("inject_flow step {number} is not an object"));
            continue;
        };
        let uuid = text(step, "inject_uuid");
        let Some(inject) = injects
            .iter()
            .find(|(key, _)| *key == uuid)
            .map(|(_, v)| *v)
        else {
            problems.push(format!(
                "inject_flow step {number} names inject '{uuid}', which is not in \"injects\""
            ));
            continue;
        };
        match triggered_at(step) {
            Ok(Some(seconds)) => minute = seconds.div_euclid(60),
            Ok(None) if starts_exercise(step) => minute = 0,
            // No time: the step follows the one before it.
            Ok(None) => {}
            Err(problem) => problems.push(format!("inject_flow step {number}: {problem}")),
        }
        let inject_name = text(inject, "name");
        let subject = [inject_name.clone(), text(step, "description")]
            .into_iter()
            .find(|s| !s.is_empty())
            .unwrap_or_else(|| format!("Inject {number}"));
        let inject_id = unique(&mut ids, slug(&inject_name), &format!("inject-{number}"));
        let payload = payloads
            .iter()
            .find(|(key, _)| *key == text(inject, "action_payload_resource_uuid"))
            .map(|(_, v)| *v);
        let body = inject_body(step, inject, payload, &subject);
        for (k, evaluation) in list(inject, "inject_evaluation").iter().enumerate() {
            let result = evaluation
                .get("result")
                .and_then(Value::as_str)
                .unwrap_or("")
                .trim();
            if !result.is_empty() {
                good_practice.push(GoodPractice {
                    id: unique(&mut ids, format!("{inject_id}-check-{}", k + 1), "check"),
                    text: format!("{subject}: {result}"),
                    advice: Vec::new(),
                });
            }
        }
        phase_injects.push(Inject {
            id: inject_id,
            at_minutes: minute,
            to: audience(inject),
            subject,
            body,
        });
    }
    let last_minute = phase_injects
        .iter()
        .map(|inject| inject.at_minutes)
        .max()
        .unwrap_or(0);
    let duration_minutes = match duration_seconds(exercise) {
        Ok(Some(seconds)) => u32::try_from(seconds.div_ceil(60)).unwrap_or(u32::MAX),
        Ok(None) => u32::try_from(last_minute.max(0))
            .unwrap_or(u32::MAX)
            .saturating_add(TAIL_MINUTES),
        Err(problem) => {
            problems.push(problem);
            0
        }
    };
    if !problems.is_empty() {
        return Err(ReadinessFileError::new(FILE, problems));
    }
    let narrative = [expanded, description.clone(), name.clone()]
        .into_iter()
        .find(|s| !s.is_empty())
        .unwrap_or_default();
    let phase_id = unique(&mut ids, "inject-flow".to_owned(), "flow");
    let phases = if phase_injects.is_empty() {
        Vec::new()
    } else {
        vec![Phase {
            id: phase_id,
            title: "Inject flow".to_owned(),
            narrative,
            starts_at_minutes: 0,
            injects: phase_injects,
            questions: Vec::new(),
            good_practice,
        }]
    };
    checked(Scenario {
        format: EXERCISE_FORMAT.to_owned(),
        id,
        title: name.clone(),
        summary: if description.is_empty() {
            name
        } else {
            description
        },
        audience: Vec::new(),
        duration_minutes,
        phases,
        advice: Vec::new(),
    })
}

/// A member as trimmed text (numbers too), or empty.
fn text(object: &Map<String, Value>, key: &str) -> String {
    match object.get(key) {
        Some(Value::String(text)) => text.trim().to_owned(),
        Some(Value::Number(number)) => number.to_string(),
        _ => String::new(),
    }
}

/// A member that should be a list, or an empty one.
fn list<'a>(object: &'a Map<String, Value>, key: &str) -> &'a [Value] {
    object
        .get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// The objects of a top-level list, keyed by their `uuid`.
fn by_uuid<'a>(
    root: &'a Map<String, Value>,
    key: &str,
    problems: &mut Vec<String>,
) -> Vec<(String, &'a Map<String, Value>)> {
    if root.get(key).is_some_and(|value| !value.is_array()) {
        problems.push(format!("\"{key}\" should be a list"));
    }
    list(root, key)
        .iter()
        .filter_map(Value::as_object)
        .map(|object| (text(object, "uuid"), object))
        .collect()
}

/// Seconds as a JSON number or a text of digits; `None` when absent or null.
fn seconds(value: Option<&Value>, what: &str) -> Result<Option<i64>, String> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(number)) => number
            .as_i64()
            .or_else(|| number.as_f64().map(|f| f.round() as i64))
            .map(Some)
            .ok_or_else(|| format!("{what} {number} is not a number of seconds")),
        Some(Value::String(text)) if text.trim().is_empty() => Ok(None),
        Some(Value::String(text)) => text
            .trim()
            .parse::<i64>()
            .map(Some)
            .map_err(|_| format!("{what} '{text}' is not a number of seconds")),
        Some(other) => Err(format!("{what} {other} is not a number of seconds")),
    }
}

/// When a flow step is sent, from `timing.triggered_at` (seconds after the start).
fn triggered_at(step: &Map<String, Value>) -> Result<Option<i64>, String> {
    let timing = step.get("timing").and_then(Value::as_object);
    seconds(timing.and_then(|t| t.get("triggered_at")), "triggered_at")
}

/// The exercise's `total_duration` in seconds (never negative).
fn duration_seconds(exercise: &Map<String, Value>) -> Result<Option<u64>, String> {
    match seconds(exercise.get("total_duration"), "total_duration")? {
        Some(seconds) if seconds < 0 => Err(format!(
            "total_duration {seconds} is negative: give the length in seconds"
        )),
        Some(seconds) => Ok(Some(seconds.unsigned_abs())),
        None => Ok(None),
    }
}

/// Whether a flow step's trigger is `startex`, the start of the exercise.
fn starts_exercise(step: &Map<String, Value>) -> bool {
    let trigger = step
        .get("sequence")
        .and_then(Value::as_object)
        .and_then(|sequence| sequence.get("trigger"));
    match trigger {
        Some(Value::String(trigger)) => trigger == "startex",
        Some(Value::Array(triggers)) => triggers.iter().any(|t| t.as_str() == Some("startex")),
        _ => false,
    }
}

/// Who receives an inject: an email to participants goes to everyone; anything aimed at a
/// tool (a network connection, a file for analysis) goes to the IT manager.
fn audience(inject: &Map<String, Value>) -> InjectAudience {
    match text(inject, "action").as_str() {
        "email_to_participants" => InjectAudience::AllContacts,
        _ => InjectAudience::ItManager,
    }
}

/// What the players read: the flow step's description, then the payload (a text file's
/// content, or a network connection's parameters).
fn inject_body(
    step: &Map<String, Value>,
    inject: &Map<String, Value>,
    payload: Option<&Map<String, Value>>,
    subject: &str,
) -> String {
    let mut parts = Vec::new();
    let description = text(step, "description");
    if !description.is_empty() {
        parts.push(description);
    }
    if let Some(payload) = payload {
        let parameters = payload.get("parameters").and_then(Value::as_object);
        match (text(payload, "type").as_str(), parameters) {
            ("file", Some(parameters)) => parts.push(file_text(parameters)),
            ("tcp_connection", Some(parameters)) => parts.push(format!(
                "A network connection from {} to {} on port {}.",
                or_unknown(text(parameters, "source")),
                or_unknown(text(parameters, "destination")),
                or_unknown(text(parameters, "port")),
            )),
            _ => {}
        }
    }
    let tool = text(inject, "target_tool");
    if !tool.is_empty() {
        parts.push(format!("(Written for {tool}.)"));
    }
    if parts.is_empty() {
        subject.to_owned()
    } else {
        parts.join("\n\n")
    }
}

fn or_unknown(text: String) -> String {
    if text.is_empty() {
        "an address not given".to_owned()
    } else {
        text
    }
}

/// A file payload's content as text: base64 decoded when marked so, and only when it is
/// text; otherwise a line naming the file.
fn file_text(parameters: &Map<String, Value>) -> String {
    let file_name = text(parameters, "filename");
    let content = text(parameters, "content");
    let decoded = if text(parameters, "content-type").eq_ignore_ascii_case("base64") {
        let compact: String = content.split_whitespace().collect();
        base64::engine::general_purpose::STANDARD
            .decode(compact.as_bytes())
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
    } else {
        Some(content)
    };
    match decoded {
        Some(content) if !content.trim().is_empty() => {
            let content = content.trim();
            if content.chars().count() > MAX_BODY_CHARS {
                let cut: String = content.chars().take(MAX_BODY_CHARS).collect();
                format!("{cut}\n\n(The rest of the file is not shown.)")
            } else {
                content.to_owned()
            }
        }
        _ if !file_name.is_empty() => {
            format!("The inject delivers the file '{file_name}', which is not text.")
        }
        _ => "The inject delivers a file that is not text.".to_owned(),
    }
}

/// An id from free text: lower-case letters and digits, other runs become one hyphen.
fn slug(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let mut slug = slug.trim_end_matches('-').to_owned();
    slug.truncate(60);
    slug.trim_end_matches('-').to_owned()
}

/// `wanted` (or `fallback` when empty or not an id), made unique within the scenario.
fn unique(ids: &mut BTreeSet<String>, wanted: String, fallback: &str) -> String {
    let base = if is_id(&wanted) {
        wanted
    } else {
        fallback.to_owned()
    };
    let mut id = base.clone();
    let mut n = 2;
    while !ids.insert(id.clone()) {
        id = format!("{base}-{n}");
        n += 1;
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small exercise in the layout of the format's description: two injects, the
    /// first an email started by `startex`, the second a network connection ten minutes
    /// later; written for these tests.
    const EXAMPLE: &str = r#"{
  "exercise": {
    "description": "A spear-phishing email reaches the finance team.",
    "expanded": "Players receive a suspicious email and then see its network traffic.",
    "meta": {"author": "Beacon tests"},
    "name": "Spear phishing drill",
    "namespace": "phishing",
    "tags": ["state:production"],
    "total_duration": "3600",
    "uuid": "0b3b1f2e-8a57-4bde-9c36-2f3a1d0c9e11",
    "version": "1"
  },
  "inject_flow": [
    {
      "description": "The email arrives.",
      "inject_uuid": "aaaaaaaa-0000-4000-8000-000000000001",
      "reporting_callback": [],
      "requirements": {},
      "sequence": {"completion_trigger": ["time_expiration"], "followed_by": ["aaaaaaaa-0000-4000-8000-000000000002"], "trigger": ["startex"]},
      "timing": {"triggered_at": null}
    },
    {
      "description": "The attachment calls home.",
      "inject_uuid": "aaaaaaaa-0000-4000-8000-000000000002",
      "requirements": {"inject_uuid": "aaaaaaaa-0000-4000-8000-000000000001", "resolution_requirement": "Reported"},
      "sequence": {"trigger": "inject-resolution"},
      "timing": {"triggered_at": 600}
    }
  ],
  "inject_payloads": [
    {"name": "email", "parameters": {"content": "RnJvbTogaW52b2ljZXNAZXhhbXBsZS5pbnZhbGlkCgpQbGVhc2UgcGF5IHRoZSBhdHRhY2hlZC4=", "content-type": "base64", "filename": "email.eml"}, "type": "file", "uuid": "bbbbbbbb-0000-4000-8000-000000000001"},
    {"name": "flow", "parameters": {"destination": "mail server", "port": "25", "source": "192.0.2.7"}, "type": "tcp_connection", "uuid": "bbbbbbbb-0000-4000-8000-000000000002"}
  ],
  "injects": [
    {"action": "email_to_participants", "action_payload_resource_uuid": "bbbbbbbb-0000-4000-8000-000000000001", "inject_evaluation": [{"parameters": [], "result": "Event created", "score_range": [0, 10]}], "name": "Suspicious invoice email", "target_tool": "MISP", "uuid": "aaaaaaaa-0000-4000-8000-000000000001"},
    {"action": "network_connection", "action_payload_resource_uuid": "bbbbbbbb-0000-4000-8000-000000000002", "name": "Outbound connection", "target_tool": "Suricata", "uuid": "aaaaaaaa-0000-4000-8000-000000000002"}
  ]
}"#;

    #[test]
    fn reads_an_exercise_as_one_phase() {
        let scenario = read_cexf(EXAMPLE.as_bytes()).expect("reads");
        assert_eq!(scenario.id, "spear-phishing-drill");
        assert_eq!(scenario.title, "Spear phishing drill");
        assert_eq!(scenario.duration_minutes, 60);
        assert_eq!(scenario.phases.len(), 1);
        let phase = &scenario.phases[0];
        let injects: Vec<_> = phase
            .injects
            .iter()
            .map(|i| (i.id.as_str(), i.at_minutes, i.to))
            .collect();
        assert_eq!(
            injects,
            [
                ("suspicious-invoice-email", 0, InjectAudience::AllContacts),
                ("outbound-connection", 10, InjectAudience::ItManager),
            ]
        );
        assert!(
            phase.injects[0]
                .body
                .contains("From: invoices@example.invalid"),
            "{}",
            phase.injects[0].body
        );
        assert!(
            phase.injects[1]
                .body
                .contains("from 192.0.2.7 to mail server on port 25")
        );
        assert_eq!(phase.good_practice.len(), 1);
        assert_eq!(
            phase.good_practice[0].text,
            "Suspicious invoice email: Event created"
        );
        assert!(scenario.problems().is_empty());
    }

    #[test]
    fn refuses_what_beacon_cannot_run() {
        let broken = EXAMPLE
            .replace("\"triggered_at\": 600", "\"triggered_at\": -900")
            .replace(
                "\"inject_uuid\": \"aaaaaaaa-0000-4000-8000-000000000001\",\n      \"reporting",
                "\"inject_uuid\": \"missing\",\n      \"reporting",
            );
        let error = read_cexf(broken.as_bytes()).expect_err("refused");
        assert!(error.mentions("names inject 'missing'"), "{error}");
        let early = EXAMPLE.replace("\"triggered_at\": 600", "\"triggered_at\": -900");
        let error = read_cexf(early.as_bytes()).expect_err("refused");
        assert!(error.mentions("before the exercise starts"), "{error}");
        let error = read_cexf(br#"{"inject_flow": []}"#).expect_err("refused");
        assert!(error.mentions("needs an \"exercise\" object"), "{error}");
        let empty = r#"{"exercise": {"name": "Empty"}, "inject_flow": [], "injects": []}"#;
        let error = read_cexf(empty.as_bytes()).expect_err("refused");
        assert!(error.mentions("no phases"), "{error}");
    }

    #[test]
    fn slugs_and_unique_ids() {
        assert_eq!(slug("  Phishing e-mail (v2)! "), "phishing-e-mail-v2");
        assert_eq!(slug("£££"), "");
        let mut ids = BTreeSet::new();
        assert_eq!(unique(&mut ids, "a".to_owned(), "x"), "a");
        assert_eq!(unique(&mut ids, "a".to_owned(), "x"), "a-2");
        assert_eq!(unique(&mut ids, String::new(), "x"), "x");
    }
}
