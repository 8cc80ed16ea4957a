//! Structured logging. `RUST_LOG` filters, `TESSERA_LOG_FORMAT=json` for machines.
//! Personal data never goes into log fields: log ids, not names or e-mails.

use tracing_subscriber::{fmt, EnvFilter};

pub fn init() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_sessions=warn"));
    let builder = fmt().with_env_filter(filter).with_target(false);
    let _ = if std::env::var("TESSERA_LOG_FORMAT").as_deref() == Ok("json") {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
    // A panic's message can quote the input it choked on (a name, an address), so
    // only where it happened is logged; the request gets a plain 500 (router).
    std::panic::set_hook(Box::new(|info| {
        let location = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        tracing::error!(%location, "panic; its message is withheld as it may quote input");
    }));
}
