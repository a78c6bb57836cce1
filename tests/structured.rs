//! Structured outputs and tools from Rust types: strict schemas (snapshotted and checked), and
//! typed answers end to end through the mock server, streaming and not.

use std::collections::HashMap;

use openrouter_bindings::{
    Error, StrictSchema,
    mock::{MockReply, MockServer},
    strict_violations,
    types::ChatTool,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::json;

/// A city report.
#[derive(Debug, JsonSchema, Deserialize, Serialize, PartialEq)]
struct CityReport {
    /// The city's name.
    name: String,
    population: u64,
    area_km2: Option<f64>,
    districts: Vec<District>,
    climate: Climate,
    #[serde(default)]
    twin_cities: Vec<String>,
}

#[derive(Debug, JsonSchema, Deserialize, Serialize, PartialEq)]
struct District {
    name: String,
    mayor: Option<Person>,
}

#[derive(Debug, JsonSchema, Deserialize, Serialize, PartialEq)]
struct Person {
    name: String,
    age: u8,
}

#[derive(Debug, JsonSchema, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "snake_case")]
enum Climate {
    Temperate,
    Tropical,
    Arid,
}

// Schema-only types (never deserialized here): what schemars sees is what matters.

/// Shapes with data: externally and internally tagged.
#[derive(JsonSchema)]
#[allow(dead_code)]
enum Shape {
    Circle { radius: f64 },
    Square(f64),
    Empty,
}

#[derive(JsonSchema)]
#[allow(dead_code)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Event {
    Click { x: i32, y: i32 },
    Key { code: String, shift: Option<bool> },
}

#[derive(JsonSchema)]
#[allow(dead_code)]
struct Drawing {
    shapes: Vec<Shape>,
    events: Vec<Event>,
}

/// A recursive type.
#[derive(JsonSchema)]
#[allow(dead_code)]
struct Tree {
    label: String,
    children: Vec<Tree>,
    parent: Option<Box<Tree>>,
}

#[derive(JsonSchema)]
#[allow(dead_code)]
struct Inventory {
    counts: HashMap<String, u32>,
}

/// Sorted keys, so the snapshot does not depend on serde_json's `preserve_order` feature (which
/// the workspace build enables through the codegen crate).
fn sorted(value: &serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) => {
            let sorted: std::collections::BTreeMap<_, _> = map.iter().map(|(k, v)| (k.clone(), sorted(v))).collect();
            serde_json::to_value(sorted).unwrap()
        }
        serde_json::Value::Array(items) => items.iter().map(sorted).collect(),
        other => other.clone(),
    }
}

fn snapshot(schema: &StrictSchema) -> String {
    let mut required_sorted = schema.schema.clone();
    sort_required(&mut required_sorted);
    serde_json::to_string_pretty(&sorted(&json!({
        "name": schema.name,
        "description": schema.description,
        "strict": schema.is_strict(),
        "not_strict_because": schema.not_strict_because,
        "schema": required_sorted,
    })))
    .unwrap()
}

/// `required` lists follow property order, which also depends on `preserve_order`.
fn sort_required(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(serde_json::Value::Array(required)) = map.get_mut("required") {
                required.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
            }
            map.values_mut().for_each(sort_required);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(sort_required),
        _ => {}
    }
}

#[test]
fn strict_schemas_of_representative_types() {
    for (name, schema) in [
        ("nested_option_vec_enum", StrictSchema::of::<CityReport>()),
        ("enums_with_data", StrictSchema::of::<Drawing>()),
        ("recursive", StrictSchema::of::<Tree>()),
    ] {
        insta::assert_snapshot!(name, snapshot(&schema));
        assert!(schema.is_strict(), "{name}: {:?}", schema.not_strict_because);
        assert_eq!(strict_violations(&schema.schema), Vec::<String>::new(), "{name}");
    }
}

#[test]
fn a_map_cannot_be_strict_and_says_so() {
    let schema = StrictSchema::of::<Inventory>();
    insta::assert_snapshot!("map", snapshot(&schema));
    assert!(!schema.is_strict());
    assert_eq!(schema.not_strict_because, ["counts: a map (string keys to values) cannot be strict"]);
    let format = serde_json::to_value(schema.response_format()).unwrap();
    assert_eq!(format["json_schema"]["strict"], false);
}

#[test]
fn the_strict_checker_catches_what_schemars_emits_unrewritten() {
    let raw = serde_json::to_value(schemars::schema_for!(CityReport)).unwrap();
    let violations = strict_violations(&raw);
    for expected in [
        "keyword `$schema`",
        "property `area_km2` is not required",
        "object without `additionalProperties: false`",
        "format `uint64`",
    ] {
        assert!(violations.iter().any(|v| v.contains(expected)), "missing {expected}: {violations:#?}");
    }
}

#[tokio::test]
async fn structured_output_end_to_end_streaming_and_not() {
    let mock = MockServer::start().await;
    let client = mock.client();
    let expected = CityReport {
        name: "example".into(),
        population: 1,
        area_km2: Some(1.5),
        districts: vec![District { name: "example".into(), mayor: Some(Person { name: "example".into(), age: 1 }) }],
        climate: Climate::Temperate,
        twin_cities: vec!["example".into()],
    };
    let request = || client.chat("m").user("Describe Zürich").response_format_for::<CityReport>();
    let plain: CityReport = request().send().await.unwrap().parse().unwrap();
    assert_eq!(plain, expected);
    let streamed: CityReport = request().stream().await.unwrap().collect_response().await.unwrap().parse().unwrap();
    assert_eq!(streamed, expected);

    let sent = &mock.requests()[0].body["response_format"];
    assert_eq!(
        (sent["type"].clone(), sent["json_schema"]["name"].clone()),
        (json!("json_schema"), json!("CityReport"))
    );
    assert_eq!(
        (sent["json_schema"]["strict"].clone(), sent["json_schema"]["description"].clone()),
        (json!(true), json!("A city report."))
    );
}

#[tokio::test]
async fn nulls_for_optional_and_defaulted_fields_read_as_absent() {
    let mock = MockServer::start().await;
    let answer = json!({"name": "Bern", "population": 134_000, "area_km2": null, "districts": [{"name": "Länggasse", "mayor": null}],
                        "climate": "temperate", "twin_cities": null});
    mock.push(MockReply::text(answer.to_string()));
    let report: CityReport = mock.client().chat("m").user("Bern").send().await.unwrap().parse().unwrap();
    assert_eq!((report.area_km2, report.districts[0].mayor.as_ref(), report.twin_cities.len()), (None, None, 0));
}

#[tokio::test]
async fn a_reply_that_is_not_a_t_is_a_clear_error_keeping_the_raw_text() {
    let mock = MockServer::start().await;
    mock.push(MockReply::text(r#"{"name": "Bern", "population": "many"}"#));
    mock.push(MockReply::text("Sorry, I can't do JSON"));
    for expected in ["does not match the expected type at `population`", "is not JSON"] {
        let error = mock.client().chat("m").user("Bern").send().await.unwrap().parse::<CityReport>().unwrap_err();
        let Error::InvalidOutput { message, raw, .. } = &error else { panic!("{error:?}") };
        assert!(message.contains(expected), "{message}");
        assert!(!raw.is_empty() && error.to_string().contains(raw.as_str()), "{error}");
    }
}

/// Arguments of the weather tool.
#[derive(Debug, JsonSchema, Deserialize, PartialEq)]
struct WeatherArgs {
    /// The city to look up.
    city: String,
    unit: Option<Unit>,
}

#[derive(Debug, JsonSchema, Deserialize, PartialEq)]
#[serde(rename_all = "lowercase")]
enum Unit {
    Celsius,
    Fahrenheit,
}

#[derive(Serialize)]
struct Weather {
    temperature: f64,
    sky: &'static str,
}

#[test]
fn a_tool_from_an_argument_type() {
    let tool = ChatTool::function::<WeatherArgs>("weather", "The weather now");
    let value = serde_json::to_value(&tool).unwrap();
    assert_eq!(value["type"], "function");
    assert_eq!(
        (value["function"]["name"].clone(), value["function"]["strict"].clone()),
        (json!("weather"), json!(true))
    );
    assert_eq!(value["function"]["parameters"]["required"], json!(["city", "unit"]));
    assert_eq!(strict_violations(&value["function"]["parameters"]), Vec::<String>::new());
}

#[tokio::test]
async fn a_tool_loop_end_to_end_streaming_and_not() {
    let mock = MockServer::start().await;
    let client = mock.client();
    for stream in [false, true] {
        let request = client
            .chat("m")
            .user("Weather in Bern?")
            .tools([ChatTool::function::<WeatherArgs>("weather", "The weather now")]);
        let response = if stream {
            request.clone().stream().await.unwrap().collect_response().await.unwrap()
        } else {
            request.clone().send().await.unwrap()
        };
        let call = &response.tool_calls()[0];
        let args: WeatherArgs = call.arguments().unwrap();
        assert_eq!(args, WeatherArgs { city: "example".into(), unit: Some(Unit::Celsius) });

        let weather = Weather { temperature: 21.5, sky: "clear" };
        let answer = request.continue_from(&response).tool_output(&call.id, &weather).send().await.unwrap();
        assert_eq!(answer.text().unwrap(), r#"(mock) The tool said: {"temperature":21.5,"sky":"clear"}"#);
        let sent = mock.requests().last().unwrap().body.clone();
        assert_eq!(sent["messages"][1]["tool_calls"][0]["id"], json!(call.id));
        assert_eq!(
            sent["messages"][2],
            json!({"role": "tool", "tool_call_id": call.id, "content": "{\"temperature\":21.5,\"sky\":\"clear\"}"})
        );
    }
}

#[tokio::test]
async fn tool_arguments_that_do_not_parse_are_a_clear_error() {
    let mock = MockServer::start().await;
    mock.push(MockReply::tool_call("weather", json!({"town": "Bern"})));
    let response = mock.client().chat("m").user("hi").send().await.unwrap();
    let error = response.tool_calls()[0].arguments::<WeatherArgs>().unwrap_err();
    assert!(
        error.to_string().contains("missing field `city`") && error.to_string().contains(r#"{"town":"Bern"}"#),
        "{error}"
    );
}

#[tokio::test]
async fn reasoning_details_go_back_unmodified_in_one_call() {
    let mock = MockServer::start().await;
    mock.push(MockReply::reasoning("Think first", "Answer"));
    let client = mock.client();
    let first = client.chat("m").user("Q1").send().await.unwrap();
    client.chat("m").user("Q1").continue_from(&first).user("Q2").send().await.unwrap();
    let sent = mock.requests()[1].body.clone();
    let original = serde_json::to_value(&first.choices[0].message).unwrap();
    assert_eq!(sent["messages"][1], original);
    assert_eq!(sent["messages"][1]["reasoning_details"][0]["text"], "Think first");
}

/// A value of any shape, and a tuple: strict mode refuses both.
#[derive(schemars::JsonSchema, serde::Deserialize)]
#[allow(dead_code)]
struct Loose {
    payload: serde_json::Value,
    maybe: Option<serde_json::Value>,
    point: (f64, f64),
}

#[test]
fn any_values_and_tuples_are_reported_not_strict() {
    let schema = StrictSchema::of::<Loose>();
    assert!(!schema.is_strict(), "{:#}", schema.schema);
    for expected in [
        "payload: any JSON value (such as `serde_json::Value`) cannot be strict",
        "maybe: any JSON value (such as `serde_json::Value`) cannot be strict",
        "point: a tuple (`prefixItems`) cannot be strict",
    ] {
        assert!(
            schema.not_strict_because.iter().any(|p| p == expected),
            "missing {expected}: {:#?}",
            schema.not_strict_because
        );
    }
    let point = &schema.schema["properties"]["point"];
    assert_eq!(point["prefixItems"].as_array().map(Vec::len), Some(2), "the tuple's shape is still sent: {point}");
    assert_eq!(serde_json::to_value(schema.response_format()).unwrap()["json_schema"]["strict"], false);
    let violations = strict_violations(&schema.schema);
    for expected in ["payload: any JSON value", "point: a tuple", "point: keyword `prefixItems`"] {
        assert!(violations.iter().any(|v| v.starts_with(expected)), "missing {expected}: {violations:#?}");
    }
    assert!(
        strict_violations(&serde_json::json!({"type": "object", "properties": {"xs": {"type": "array"}},
        "required": ["xs"], "additionalProperties": false}))
        .iter()
        .any(|v| v == "xs: an array without `items` cannot be strict")
    );
}
