//! Shows the library's warnings on stderr, as a program's own `tracing` subscriber would
//! (`tracing-subscriber`'s `fmt()` at `warn`): what a decode dropped (a model entry that does not
//! fit the spec, say) is said, not silent. A few lines, so the examples need no logging crate.

use std::fmt::Write;

use tracing::{Event, Id, Level, Metadata, Subscriber, field, span};

/// Installs the stderr printer for `warn` and `error` events (once; later calls do nothing).
pub fn warnings_to_stderr() {
    let _ = tracing::subscriber::set_global_default(Stderr);
}

struct Stderr;

struct Line(String);

impl field::Visit for Line {
    fn record_debug(&mut self, field: &field::Field, value: &dyn std::fmt::Debug) {
        match field.name() {
            "message" => {
                let _ = write!(self.0, " {value:?}");
            }
            name => {
                let _ = write!(self.0, " {name}={value:?}");
            }
        }
    }
}

impl Subscriber for Stderr {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        *metadata.level() <= Level::WARN
    }
    fn new_span(&self, _: &span::Attributes<'_>) -> Id {
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, _: &span::Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        let mut line = Line(format!("{}:", event.metadata().level()));
        event.record(&mut line);
        eprintln!("{}", line.0);
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}
