//! The API's reference page, rendered on the server from the OpenAPI document (no
//! script, so it needs no CDN and passes the content security policy).

use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::{OpenApi as Document, RefOr};

use crate::http::escape;

fn schema_name(schema: &RefOr<utoipa::openapi::schema::Schema>) -> String {
    match schema {
        RefOr::Ref(r) => r.ref_location.rsplit('/').next().unwrap_or("").to_owned(),
        RefOr::T(_) => "object".to_owned(),
    }
}

fn operation(out: &mut String, method: &str, path: &str, op: &Operation) {
    out.push_str(&format!(
        "<section class=\"api-op\"><h3><code>{method} {}</code></h3>",
        escape(path)
    ));
    for text in [&op.summary, &op.description].into_iter().flatten() {
        out.push_str(&format!("<p>{}</p>", escape(text)));
    }
    if let Some(security) = &op.security {
        let scopes = serde_json::to_value(security).unwrap_or_default();
        let scopes: Vec<String> = scopes
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|req| req.get("token"))
            .flat_map(|s| s.as_array().cloned().unwrap_or_default())
            .filter_map(|s| s.as_str().map(str::to_owned))
            .collect();
        if !scopes.is_empty() {
            out.push_str(&format!(
                "<p>Scope: <code>{}</code></p>",
                escape(&scopes.join(", "))
            ));
        }
    }
    if let Some(parameters) = &op.parameters {
        out.push_str("<table><tr><th>Parameter</th><th>In</th><th>Description</th></tr>");
        for p in parameters {
            let place = match p.parameter_in {
                ParameterIn::Path => "path",
                ParameterIn::Query => "query",
                ParameterIn::Header => "header",
                ParameterIn::Cookie => "cookie",
            };
            out.push_str(&format!(
                "<tr><td><code>{}</code></td><td>{place}</td><td>{}</td></tr>",
                escape(&p.name),
                escape(p.description.as_deref().unwrap_or(""))
            ));
        }
        out.push_str("</table>");
    }
    if let Some(body) = &op.request_body {
        let names: Vec<String> = body
            .content
            .values()
            .filter_map(|c| c.schema.as_ref().map(schema_name))
            .collect();
        out.push_str(&format!(
            "<p>Body: <code>{}</code> (JSON)</p>",
            escape(&names.join(", "))
        ));
    }
    out.push_str("<table><tr><th>Status</th><th>Meaning</th></tr>");
    for (status, response) in &op.responses.responses {
        let description = match response {
            RefOr::T(r) => r.description.clone(),
            RefOr::Ref(r) => r.ref_location.clone(),
        };
        out.push_str(&format!(
            "<tr><td>{}</td><td>{}</td></tr>",
            escape(status),
            escape(&description)
        ));
    }
    out.push_str("</table></section>");
}

/// The whole page.
pub fn render(doc: &Document) -> String {
    let mut out = String::from(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Tessera API v1</title><link rel=\"stylesheet\" href=\"/pkg/tessera.css\">\
         </head><body><main class=\"page api-reference\">",
    );
    out.push_str(&format!(
        "<h1>{} {}</h1>",
        escape(&doc.info.title),
        escape(&doc.info.version)
    ));
    if let Some(description) = &doc.info.description {
        out.push_str(&format!("<p>{}</p>", escape(description)));
    }
    out.push_str(
        "<p>Machine-readable: <a href=\"/api/v1/openapi.json\">openapi.json</a> \
         (OpenAPI 3.1). Errors are <code>application/problem+json</code> (RFC 9457) \
         with the members <code>code</code>, <code>fields</code> and \
         <code>retry_after_secs</code>.</p>",
    );
    for (path, item) in &doc.paths.paths {
        let operations = [
            ("GET", &item.get),
            ("POST", &item.post),
            ("PUT", &item.put),
            ("PATCH", &item.patch),
            ("DELETE", &item.delete),
        ];
        for (method, op) in operations {
            if let Some(op) = op {
                operation(&mut out, method, path, op);
            }
        }
    }
    out.push_str("</main></body></html>");
    out
}
