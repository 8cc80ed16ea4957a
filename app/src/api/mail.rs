//! E-mail: settings, templates, signature, composing and sending; governed capture.

use crate::model::capture::{
    CapturePage, CapturePolicy, CapturePolicyInput, Mailbox, MailboxInput,
};
use crate::model::mail::{
    ComposeDraft, ComposeInput, MailSettingsPage, MailTemplate, SmtpSettings, SmtpSettingsInput,
    TemplateInput,
};
use crate::AppError;
use leptos::prelude::*;
use uuid::Uuid;

#[cfg(feature = "ssr")]
use {super::support::in_scope, crate::backend::services::mail};

#[server(prefix = "/rpc", endpoint = "mail/settings")]
pub async fn load_mail_settings() -> Result<MailSettingsPage, AppError> {
    in_scope(async |s| mail::settings_page(s).await).await
}

#[server(prefix = "/rpc", endpoint = "mail/settings/save")]
pub async fn save_smtp_settings(input: SmtpSettingsInput) -> Result<SmtpSettings, AppError> {
    in_scope(async |s| mail::save_smtp_settings(s, &input).await).await
}

#[server(prefix = "/rpc", endpoint = "mail/templates/save")]
pub async fn save_template(id: Uuid, input: TemplateInput) -> Result<MailTemplate, AppError> {
    in_scope(async |s| mail::save_template(s, id, &input).await).await
}

#[server(prefix = "/rpc", endpoint = "mail/templates/delete")]
pub async fn delete_template(id: Uuid) -> Result<(), AppError> {
    in_scope(async |s| mail::delete_template(s, id).await).await
}

#[server(prefix = "/rpc", endpoint = "mail/signature")]
pub async fn load_signature() -> Result<String, AppError> {
    in_scope(async |s| mail::signature(s).await).await
}

#[server(prefix = "/rpc", endpoint = "mail/signature/save")]
pub async fn save_signature(text: String) -> Result<(), AppError> {
    in_scope(async |s| mail::save_signature(s, &text).await).await
}

#[server(prefix = "/rpc", endpoint = "mail/draft")]
pub async fn draft_mail(contact: Uuid, template: Uuid) -> Result<ComposeDraft, AppError> {
    in_scope(async |s| mail::draft(s, contact, template).await).await
}

#[server(prefix = "/rpc", endpoint = "mail/send")]
pub async fn send_mail(input: ComposeInput) -> Result<Uuid, AppError> {
    in_scope(async |s| mail::send(s, &input).await).await
}

#[server(prefix = "/rpc", endpoint = "mail/resend")]
pub async fn resend_mail(id: Uuid) -> Result<(), AppError> {
    in_scope(async |s| mail::resend(s, id).await).await
}

#[server(prefix = "/rpc", endpoint = "mail/capture")]
pub async fn load_capture() -> Result<CapturePage, AppError> {
    in_scope(async |s| mail::capture::page(s).await).await
}

#[server(prefix = "/rpc", endpoint = "mail/capture/policy")]
pub async fn save_capture_policy(input: CapturePolicyInput) -> Result<CapturePolicy, AppError> {
    in_scope(async |s| mail::capture::save_policy(s, &input).await).await
}

#[server(prefix = "/rpc", endpoint = "mail/capture/agree")]
pub async fn agree_capture_policy(version: i64) -> Result<CapturePolicy, AppError> {
    in_scope(async |s| mail::capture::agree_policy(s, version).await).await
}

#[server(prefix = "/rpc", endpoint = "mail/mailbox/connect")]
pub async fn connect_mailbox(input: MailboxInput) -> Result<Mailbox, AppError> {
    in_scope(async |s| mail::capture::connect_mailbox(s, &input).await).await
}

#[server(prefix = "/rpc", endpoint = "mail/mailbox/remove")]
pub async fn remove_mailbox() -> Result<(), AppError> {
    in_scope(async |s| mail::capture::remove_mailbox(s).await).await
}

#[server(prefix = "/rpc", endpoint = "mail/mailbox/sync")]
pub async fn sync_mailbox() -> Result<(), AppError> {
    in_scope(async |s| mail::capture::sync_now(s).await).await
}
