//! The browser's half of a passkey ceremony: WebAuthn's JSON options from the
//! server in, the credential's JSON (`PublicKeyCredential.toJSON()`) out, through
//! the browser's own JSON helpers so no binary conversion is written here.

/// Why the browser gave no credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BrowserRefusal {
    /// The user closed the dialog, or it timed out.
    Cancelled,
    /// No WebAuthn (or no JSON helpers) in this browser.
    Unsupported,
    /// The authenticator holds a passkey for this account already.
    AlreadyRegistered,
    Failed,
}

impl BrowserRefusal {
    pub fn text(self, t: &crate::i18n::PasskeyTexts) -> &'static str {
        match self {
            Self::Cancelled => t.cancelled,
            Self::Unsupported => t.unsupported,
            Self::AlreadyRegistered => t.already_registered,
            Self::Failed => t.browser_failed,
        }
    }
}

/// A new credential for the creation options `options_json`.
pub async fn create(options_json: &str) -> Result<String, BrowserRefusal> {
    ceremony("create", "parseCreationOptionsFromJSON", options_json).await
}

/// An assertion for the request options `options_json`.
pub async fn get(options_json: &str) -> Result<String, BrowserRefusal> {
    ceremony("get", "parseRequestOptionsFromJSON", options_json).await
}

#[cfg(feature = "hydrate")]
async fn ceremony(call: &str, parse: &str, options_json: &str) -> Result<String, BrowserRefusal> {
    browser::ceremony(call, parse, options_json)
        .await
        .map_err(|err| browser::refusal(&err))
}

#[cfg(not(feature = "hydrate"))]
async fn ceremony(
    _call: &str,
    _parse: &str,
    _options_json: &str,
) -> Result<String, BrowserRefusal> {
    Err(BrowserRefusal::Unsupported)
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::BrowserRefusal;
    use js_sys::{Function, Object, Promise, Reflect, JSON};
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;

    fn get(target: &JsValue, name: &str) -> Result<JsValue, JsValue> {
        Reflect::get(target, &JsValue::from_str(name))
    }

    fn method(target: &JsValue, name: &str) -> Result<Function, JsValue> {
        get(target, name)?
            .dyn_into::<Function>()
            .map_err(|_| JsValue::from_str("unsupported"))
    }

    pub async fn ceremony(call: &str, parse: &str, options_json: &str) -> Result<String, JsValue> {
        let window: JsValue = leptos::prelude::window().into();
        let credential_type = get(&window, "PublicKeyCredential")?;
        let options = method(&credential_type, parse)?
            .call1(&credential_type, &JSON::parse(options_json)?)?;
        let request = Object::new();
        Reflect::set(&request, &JsValue::from_str("publicKey"), &options)?;
        let credentials = get(&get(&window, "navigator")?, "credentials")?;
        let promise: Promise = method(&credentials, call)?
            .call1(&credentials, &request)?
            .dyn_into()?;
        let credential = JsFuture::from(promise).await?;
        if credential.is_null() {
            return Err(JsValue::from_str("NotAllowedError"));
        }
        let json = method(&credential, "toJSON")?.call0(&credential)?;
        JSON::stringify(&json)?
            .as_string()
            .ok_or_else(|| JsValue::from_str("not a string"))
    }

    /// A DOMException's name tells a cancelled dialog from a real failure.
    pub fn refusal(err: &JsValue) -> BrowserRefusal {
        let name = get(err, "name")
            .ok()
            .and_then(|n| n.as_string())
            .or_else(|| err.as_string())
            .unwrap_or_default();
        match name.as_str() {
            "NotAllowedError" | "AbortError" => BrowserRefusal::Cancelled,
            "InvalidStateError" => BrowserRefusal::AlreadyRegistered,
            "unsupported" | "NotSupportedError" => BrowserRefusal::Unsupported,
            _ => {
                leptos::logging::warn!("passkey ceremony failed: {name}");
                BrowserRefusal::Failed
            }
        }
    }
}
