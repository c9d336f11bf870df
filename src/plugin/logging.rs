//! Logging to stderr as hclog JSON lines, the format go-plugin reads from a
//! plugin's stderr and re-emits through Terraform's own logger, so that
//! `TF_LOG` / `TF_LOG_PROVIDER` filter our messages like any provider's.
//!
//! Each `tracing` event becomes one line such as
//! `{"@level":"debug","@message":"...","@module":"sagemaker","@timestamp":"2025-01-02T03:04:05.123456Z","key":"value"}`.
//! Event fields and the fields of enclosing spans become extra keys.

use serde_json::{Map, Value as Json};
use std::fmt::Debug;
use std::io::Write;
use std::time::{SystemTime, UNIX_EPOCH};
use tracing::field::{Field, Visit};
use tracing::level_filters::LevelFilter;
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::registry::LookupSpan;

/// The `@module` of our own messages.
pub const MODULE: &str = "sagemaker";

/// The level our own code logs at, from `TF_LOG_PROVIDER` or else `TF_LOG`.
///
/// Values follow Terraform: TRACE, DEBUG, INFO, WARN, ERROR, OFF, and JSON
/// (which means TRACE); an unrecognised value also means TRACE. With neither
/// variable set only warnings and errors are written.
pub fn level_from_env(tf_log_provider: Option<&str>, tf_log: Option<&str>) -> LevelFilter {
    let chosen = [tf_log_provider, tf_log]
        .into_iter()
        .flatten()
        .map(str::trim)
        .find(|v| !v.is_empty());
    let Some(value) = chosen else {
        return LevelFilter::WARN;
    };
    match value.to_ascii_uppercase().as_str() {
        "OFF" => LevelFilter::OFF,
        "ERROR" => LevelFilter::ERROR,
        "WARN" => LevelFilter::WARN,
        "INFO" => LevelFilter::INFO,
        "DEBUG" => LevelFilter::DEBUG,
        _ => LevelFilter::TRACE,
    }
}

/// Which events are written: ours (and the AWS SDK's) at the chosen level,
/// other libraries' (gRPC, HTTP/2, TLS) at most at INFO, since their
/// debug output is per frame and drowns everything else.
#[derive(Debug, Clone, Copy)]
pub struct LogFilter {
    level: LevelFilter,
}

impl LogFilter {
    pub fn new(level: LevelFilter) -> Self {
        Self { level }
    }

    fn allows(&self, meta: &Metadata<'_>) -> bool {
        let target = meta.target();
        let ours = is_own_target(target) || target.starts_with("aws_");
        let limit = if ours {
            self.level
        } else {
            self.level.min(LevelFilter::INFO)
        };
        *meta.level() <= limit
    }
}

fn is_own_target(target: &str) -> bool {
    let root = target.split("::").next().unwrap_or(target);
    root == "tfsm" || root == "terraform_provider_sagemaker"
}

/// A `tracing_subscriber` layer writing hclog JSON lines to a writer.
pub struct HclogLayer<W> {
    filter: LogFilter,
    writer: W,
}

impl<W> HclogLayer<W> {
    pub fn new(filter: LogFilter, writer: W) -> Self {
        Self { filter, writer }
    }
}

/// Installs the global subscriber writing to stderr. Returns false if one
/// was already installed.
pub fn init(level: LevelFilter) -> bool {
    use tracing_subscriber::layer::SubscriberExt as _;
    let layer = HclogLayer::new(LogFilter::new(level), std::io::stderr);
    let subscriber = tracing_subscriber::registry().with(layer);
    tracing::subscriber::set_global_default(subscriber).is_ok()
}

/// Fields recorded on a span, kept in its extensions.
struct SpanFields(Map<String, Json>);

impl<S, W> Layer<S> for HclogLayer<W>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    W: for<'w> MakeWriter<'w> + 'static,
{
    fn enabled(&self, meta: &Metadata<'_>, _ctx: Context<'_, S>) -> bool {
        self.filter.allows(meta)
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        Some(self.filter.level)
    }

    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else { return };
        let mut fields = JsonVisitor::default();
        attrs.record(&mut fields);
        span.extensions_mut().insert(SpanFields(fields.fields));
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else { return };
        let mut ext = span.extensions_mut();
        if let Some(SpanFields(fields)) = ext.get_mut::<SpanFields>() {
            let mut visitor = JsonVisitor {
                fields: std::mem::take(fields),
                message: None,
            };
            values.record(&mut visitor);
            *fields = visitor.fields;
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut line = Map::new();
        if let Some(scope) = ctx.event_scope(event) {
            for span in scope.from_root() {
                if let Some(SpanFields(fields)) = span.extensions().get::<SpanFields>() {
                    line.extend(fields.iter().map(|(k, v)| (k.clone(), v.clone())));
                }
            }
        }
        let mut visitor = JsonVisitor::default();
        event.record(&mut visitor);
        line.extend(visitor.fields);
        let meta = event.metadata();
        let module = if is_own_target(meta.target()) {
            MODULE.to_string()
        } else {
            let root = meta.target().split("::").next().unwrap_or("");
            format!("{MODULE}.{root}")
        };
        line.insert("@level".into(), level_name(meta.level()).into());
        line.insert(
            "@message".into(),
            visitor.message.unwrap_or_default().into(),
        );
        line.insert("@module".into(), module.into());
        line.insert("@timestamp".into(), timestamp(SystemTime::now()).into());
        let mut text = Json::Object(line).to_string();
        text.push('\n');
        // One write per line so concurrent events never interleave.
        let _ = self.writer.make_writer().write_all(text.as_bytes());
    }
}

fn level_name(level: &Level) -> &'static str {
    match *level {
        Level::TRACE => "trace",
        Level::DEBUG => "debug",
        Level::INFO => "info",
        Level::WARN => "warn",
        Level::ERROR => "error",
    }
}

/// Collects fields as JSON values; the `message` field is kept apart.
#[derive(Default)]
struct JsonVisitor {
    fields: Map<String, Json>,
    message: Option<String>,
}

impl JsonVisitor {
    fn put(&mut self, field: &Field, value: Json) {
        let name = field.name();
        if name == "message" {
            self.message = Some(match value {
                Json::String(s) => s,
                other => other.to_string(),
            });
        } else if !name.starts_with("log.") {
            self.fields.insert(name.to_string(), value);
        }
    }
}

impl Visit for JsonVisitor {
    fn record_f64(&mut self, field: &Field, value: f64) {
        let json = serde_json::Number::from_f64(value)
            .map_or_else(|| value.to_string().into(), Json::Number);
        self.put(field, json);
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.put(field, value.into());
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.put(field, value.into());
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.put(field, value.into());
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.put(field, value.into());
    }
    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.put(field, value.to_string().into());
    }
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        self.put(field, format!("{value:?}").into());
    }
}

/// Formats a time as RFC 3339 in UTC with microseconds, the layout go-plugin
/// parses (`2006-01-02T15:04:05.000000Z07:00`).
pub fn timestamp(at: SystemTime) -> String {
    let since = at.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs();
    let (year, month, day) = civil_from_days((secs / 86_400) as i64);
    let rem = secs % 86_400;
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:06}Z",
        rem / 3600,
        (rem / 60) % 60,
        rem % 60,
        since.subsec_micros()
    )
}

/// Converts days since 1970-01-01 to a (year, month, day) date in the
/// proleptic Gregorian calendar, counting in 400-year eras from 0000-03-01.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // day of era, 0..=146096
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // year of era
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // day of year, from March 1st
    let mp = (5 * doy + 2) / 153; // month, March = 0
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};
    use std::time::Duration;
    use tracing_subscriber::layer::SubscriberExt as _;

    #[test]
    fn levels_follow_terraform() {
        assert_eq!(level_from_env(None, None), LevelFilter::WARN);
        assert_eq!(level_from_env(None, Some("")), LevelFilter::WARN);
        assert_eq!(level_from_env(None, Some("debug")), LevelFilter::DEBUG);
        assert_eq!(
            level_from_env(Some("ERROR"), Some("TRACE")),
            LevelFilter::ERROR
        );
        assert_eq!(level_from_env(Some(""), Some("INFO")), LevelFilter::INFO);
        assert_eq!(level_from_env(Some("JSON"), None), LevelFilter::TRACE);
        assert_eq!(level_from_env(Some("OFF"), Some("TRACE")), LevelFilter::OFF);
        assert_eq!(level_from_env(Some("bogus"), None), LevelFilter::TRACE);
    }

    #[test]
    fn timestamps() {
        assert_eq!(timestamp(UNIX_EPOCH), "1970-01-01T00:00:00.000000Z");
        // 2024-02-29T23:59:59.000042Z, a leap day.
        let t = UNIX_EPOCH + Duration::new(1_709_251_199, 42_000);
        assert_eq!(timestamp(t), "2024-02-29T23:59:59.000042Z");
        let t = UNIX_EPOCH + Duration::from_secs(951_782_400); // 2000-02-29
        assert_eq!(timestamp(t), "2000-02-29T00:00:00.000000Z");
        let t = UNIX_EPOCH + Duration::from_secs(4_102_444_800); // 2100-01-01
        assert_eq!(timestamp(t), "2100-01-01T00:00:00.000000Z");
    }

    #[derive(Clone, Default)]
    struct Buf(Arc<Mutex<Vec<u8>>>);

    impl Write for Buf {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Buf {
        type Writer = Buf;
        fn make_writer(&'a self) -> Buf {
            self.clone()
        }
    }

    fn capture(level: LevelFilter, f: impl FnOnce()) -> Vec<Json> {
        let buf = Buf::default();
        let layer = HclogLayer::new(LogFilter::new(level), buf.clone());
        let subscriber = tracing_subscriber::registry().with(layer);
        tracing::subscriber::with_default(subscriber, f);
        let text = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
        text.lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    #[test]
    fn events_become_hclog_lines() {
        let lines = capture(LevelFilter::DEBUG, || {
            let span = tracing::info_span!("rpc", tf_rpc = "PlanResourceChange");
            let _g = span.enter();
            tracing::debug!(count = 3, ok = true, name = "x", "planned {}", "it");
            tracing::trace!("too detailed");
            tracing::warn!(target: "h2::codec", "from a library");
            tracing::debug!(target: "h2::codec", "library chatter");
        });
        assert_eq!(lines.len(), 2, "{lines:?}");
        let first = &lines[0];
        assert_eq!(first["@level"], "debug");
        assert_eq!(first["@message"], "planned it");
        assert_eq!(first["@module"], MODULE);
        assert_eq!(first["count"], 3);
        assert_eq!(first["ok"], true);
        assert_eq!(first["name"], "x");
        assert_eq!(first["tf_rpc"], "PlanResourceChange");
        let ts = first["@timestamp"].as_str().unwrap();
        assert_eq!(ts.len(), "2025-01-02T03:04:05.123456Z".len(), "{ts}");
        assert_eq!(lines[1]["@level"], "warn");
        assert_eq!(lines[1]["@module"], "sagemaker.h2");
    }

    #[test]
    fn off_writes_nothing() {
        let lines = capture(LevelFilter::OFF, || tracing::error!("boom"));
        assert!(lines.is_empty());
    }
}
