//! The browser entry: hydrates the server-rendered page into the interactive app.
// The views' nested types outgrow the default limit when the release build lays them out.
#![recursion_limit = "256"]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::ui::App);
}
