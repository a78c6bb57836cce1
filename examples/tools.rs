//! A tool loop: the model asks for a tool, the program runs it and sends the result back, until
//! the model answers.
//!
//! `cargo run --example tools` (offline on the mock without `OPENROUTER_API_KEY`).

#[path = "common/log.rs"]
mod log;

use openrouter_bindings::{mock, types::ChatTool};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Arguments of the `weather` tool: the type is the schema.
#[derive(Debug, Deserialize, JsonSchema)]
struct WeatherArgs {
    /// The city, e.g. "Zürich".
    city: String,
    /// Celsius unless asked otherwise.
    unit: Option<Unit>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
enum Unit {
    Celsius,
    Fahrenheit,
}

#[derive(Serialize)]
struct Weather {
    city: String,
    temperature: f64,
    unit: &'static str,
    sky: &'static str,
}

fn weather(args: WeatherArgs) -> Weather {
    let (temperature, unit) = match args.unit {
        Some(Unit::Fahrenheit) => (70.7, "fahrenheit"),
        _ => (21.5, "celsius"),
    };
    Weather { city: args.city, temperature, unit, sky: "clear" }
}

#[tokio::main]
async fn main() -> Result<(), openrouter_bindings::Error> {
    log::warnings_to_stderr();
    let (builder, _mock) = mock::builder_from_env_or_mock().await;
    let client = builder.build()?;
    let mut request = client
        .chat("openai/gpt-4o-mini")
        .user("What's the weather in Zürich?")
        .tools([ChatTool::function::<WeatherArgs>("weather", "The current weather in a city")]);
    for _round in 0..5 {
        let response = request.clone().send().await?;
        if response.tool_calls().is_empty() {
            println!("{}", response.text()?);
            return Ok(());
        }
        request = request.continue_from(&response);
        for call in response.tool_calls() {
            let args: WeatherArgs = call.arguments()?;
            eprintln!("tool call {}: weather({args:?})", call.id);
            request = request.tool_output(&call.id, &weather(args));
        }
    }
    eprintln!("the model kept calling tools; giving up after 5 rounds");
    std::process::exit(1);
}
