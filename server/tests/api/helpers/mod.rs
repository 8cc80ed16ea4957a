//! Test harness: a fresh database per test (cloned from a migrated template), a
//! running server on a free port, and clients that call it as the UI does.

mod calls;
mod db;
pub mod db_link;
pub mod peers;

pub use calls::{call_at, Called};
pub use db::{admin_url, TestDb};

use app::api::contacts::{CreateContact, ListContacts};
use app::api::identity::{LogIn, SignUp, WhoAmI};
use app::api::second_factor::{ConfirmTotp, StartTotp};
use app::api::team::{AcceptInvitation, InviteMember};
use app::backend::audit::anchors::AnchorDir;
use app::backend::auth::throttle::ThrottleLimits;
use app::model::contacts::{
    Contact, ContactInput, ContactListQuery, ContactPage, EmailEntry, EmailKind, PhoneEntry,
    PhoneKind,
};
use app::model::identity::{AcceptInviteInput, CurrentUser, InviteInput, LoginInput, SignupInput};
use app::model::second_factor::{CodeInput, RecoveryCodes, SignInStep};
use reqwest::{Client, StatusCode};
use server::config::{Config, Mode};
use std::time::Duration;
use uuid::Uuid;

pub const PASSWORD: &str = "correct horse battery staple";

/// What an authenticator app set up with `secret` shows `steps_ahead` 30-second
/// steps from now (the server accepts the next step too, so a test need not wait
/// for a fresh step after using one). Computed by `totp-rs` on the test's side, as
/// an app would.
pub fn totp_code(secret: &str, steps_ahead: u64) -> String {
    let bytes = totp_rs::Secret::Encoded(secret.to_owned())
        .to_bytes()
        .expect("a base32 secret");
    let totp = totp_rs::TOTP::new(
        totp_rs::Algorithm::SHA1,
        6,
        0,
        30,
        bytes,
        None,
        "test".into(),
    )
    .expect("valid parameters");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    totp.generate(now + steps_ahead * 30)
}

/// One work e-mail, or none for "".
pub fn email_list(email: &str) -> Vec<EmailEntry> {
    if email.is_empty() {
        Vec::new()
    } else {
        vec![EmailEntry {
            kind: EmailKind::Work,
            address: email.into(),
        }]
    }
}

/// One work phone, or none for "".
pub fn phone_list(phone: &str) -> Vec<PhoneEntry> {
    if phone.is_empty() {
        Vec::new()
    } else {
        vec![PhoneEntry {
            kind: PhoneKind::Work,
            number: phone.into(),
        }]
    }
}

pub struct TestApp {
    pub address: String,
    pub db: TestDb,
    pub config: Config,
}

/// A server on a fresh database with default settings.
pub async fn spawn_app() -> TestApp {
    TestApp::builder().spawn().await
}

type ConfigChange = Box<dyn FnOnce(&mut Config)>;

/// How a test's server differs from the default.
pub struct TestAppBuilder {
    limits: ThrottleLimits,
    pool_size: u32,
    adjust: Vec<ConfigChange>,
}

impl TestAppBuilder {
    pub fn throttle(mut self, limits: ThrottleLimits) -> Self {
        self.limits = limits;
        self
    }

    pub fn pool_size(mut self, size: u32) -> Self {
        self.pool_size = size;
        self
    }

    pub fn configure(mut self, adjust: impl FnOnce(&mut Config) + 'static) -> Self {
        self.adjust.push(Box::new(adjust));
        self
    }

    pub async fn spawn(self) -> TestApp {
        let db = TestDb::with_app_pool_size(self.pool_size).await;
        let mut config = Config {
            mode: Mode::Development,
            database_url: db.url.clone(),
            app_database_url: None,
            db_pool_size: self.pool_size,
            listen: "127.0.0.1:0".parse().unwrap(),
            public_url: "http://127.0.0.1".into(),
            idle_timeout: Duration::from_secs(1800),
            absolute_timeout: Duration::from_secs(12 * 3600),
            master_key: Some(random_master_key()),
            previous_master_keys: Vec::new(),
            account_mail: None,
            api_per_token: 600,
            api_per_ip: 1200,
            webhooks_to_private_networks: true,
            trusted_proxies: Default::default(),
            audit_seal_every: Duration::from_secs(1),
            audit_anchor_dir: None,
            erasure_dir: None,
            erasure_policy: app::backend::services::erasure::EpochPolicy {
                every: Duration::from_secs(24 * 3600),
                backup_retention: Duration::from_secs(30 * 86_400),
            },
        };
        for adjust in self.adjust {
            adjust(&mut config);
        }
        let address = start_server(config.clone(), self.limits).await;
        TestApp {
            address,
            db,
            config,
        }
    }
}

impl TestApp {
    pub fn builder() -> TestAppBuilder {
        TestAppBuilder {
            limits: ThrottleLimits::default(),
            pool_size: 5,
            adjust: Vec::new(),
        }
    }
}

/// Starts another server with `config` (e.g. on an existing database); returns its URL.
pub async fn start_server(config: Config, limits: ThrottleLimits) -> String {
    let application = server::startup::Application::build_with_throttle(config, limits)
        .await
        .expect("application builds");
    let address = format!("http://{}", application.local_addr());
    application.spawn_workers(Duration::from_millis(100));
    tokio::spawn(application.run_until_stopped());
    address
}

pub fn random_master_key() -> String {
    use base64::Engine as _;
    use rand::RngCore;
    let mut key = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut key);
    base64::engine::general_purpose::STANDARD.encode(key)
}

/// A browser-like client: keeps cookies, sends no Origin unless told to.
/// `(slug, token)` out of a link `…/<slug>#<token>`. The token must be in the
/// fragment, which browsers never send to a server (so it is in no access log).
pub fn slug_and_token(link: &str) -> (String, String) {
    let (path, token) = link
        .split_once('#')
        .expect("the secret is in the link's fragment");
    let slug = path.rsplit('/').next().unwrap();
    assert!(!token.is_empty() && !token.contains('/'), "{link}");
    (slug.to_owned(), token.to_owned())
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// What a deliberately malformed request answered (see [`TestApp::post_form`]).
pub struct RawResponse {
    pub status: StatusCode,
    pub body: serde_json::Value,
}

impl TestApp {
    /// Posts raw form fields to a server function: only for requests the typed client
    /// cannot express (malformed ids, garbage cursors).
    pub async fn post_form(
        &self,
        client: &Client,
        endpoint: &str,
        form: &[(&str, &str)],
    ) -> RawResponse {
        let response = client
            .post(format!("{}/rpc/{endpoint}", self.address))
            .form(form)
            .send()
            .await
            .expect("request is sent");
        let status = response.status();
        let text = response.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text));
        RawResponse { status, body }
    }

    /// Signs up a tenant with `slug`, leaving `client` signed in as its owner.
    pub async fn sign_up(&self, client: &Client, slug: &str, email: &str) -> Called<()> {
        let input = SignupInput {
            company_name: format!("{slug} GmbH"),
            slug: slug.into(),
            owner_name: "Erika Mustermann".into(),
            email: email.into(),
            password: PASSWORD.into(),
        };
        self.call(client, SignUp { input }).await
    }

    pub async fn log_in(
        &self,
        client: &Client,
        slug: &str,
        email: &str,
        password: &str,
    ) -> Called<SignInStep> {
        let input = LoginInput {
            workspace: slug.into(),
            email: email.into(),
            password: password.into(),
        };
        self.call(client, LogIn { input }).await
    }

    /// A fresh client signed in as the owner of a new tenant.
    pub async fn owner_of(&self, slug: &str) -> Client {
        let client = client();
        self.sign_up(&client, slug, &format!("owner@{slug}.example"))
            .await
            .ok();
        client
    }

    /// The signed-in user of `client`.
    pub async fn me(&self, client: &Client) -> CurrentUser {
        self.call(client, WhoAmI {}).await.ok().expect("signed in")
    }

    pub async fn create_contact(
        &self,
        client: &Client,
        first: &str,
        last: &str,
        email: &str,
    ) -> Called<Contact> {
        let input = ContactInput {
            first_name: first.into(),
            last_name: last.into(),
            emails: email_list(email),
            ..Default::default()
        };
        self.call(
            client,
            CreateContact {
                input,
                confirmed: false,
            },
        )
        .await
    }

    pub async fn list_contacts(
        &self,
        client: &Client,
        query: ContactListQuery,
    ) -> Called<ContactPage> {
        self.call(client, ListContacts { query }).await
    }

    /// The contacts whose names match `q`.
    pub async fn search_contacts(&self, client: &Client, q: &str) -> Called<ContactPage> {
        let query = ContactListQuery {
            q: q.into(),
            ..Default::default()
        };
        self.list_contacts(client, query).await
    }

    /// The services' backend on this test's database, as the CLI would build it.
    pub fn backend(&self) -> std::sync::Arc<app::backend::Backend> {
        let keys = self.config.key_store().unwrap();
        app::backend::Backend::new(self.db.app.clone(), keys, "http://localhost")
    }

    /// Creates an organisation named `name` (legal form included) as `client`.
    pub async fn create_organisation(&self, client: &Client, name: &str) -> Uuid {
        let input = app::model::organisations::OrganisationInput {
            name: name.into(),
            ..Default::default()
        };
        self.call(
            client,
            app::api::organisations::CreateOrganisation {
                input,
                confirmed: false,
            },
        )
        .await
        .ok()
        .id
    }

    /// Counts with `sql`, after sealing the audit log (so counts of entries see every
    /// committed one, as the log's readers do).
    /// Gives users (all, or one) a role in the database directly and guards the rows
    /// again, as an operator's `server keys guard-users` would: a shortcut past the
    /// team page for tests about roles.
    pub async fn set_role_in_database(&self, role: &str, user: Option<Uuid>) {
        sqlx::query(
            "UPDATE users SET role = $1, guard = NULL WHERE $2::uuid IS NULL OR user_id = $2",
        )
        .bind(role)
        .bind(user)
        .execute(&self.db.superuser)
        .await
        .unwrap();
        let keys = self.config.key_store().unwrap();
        app::backend::auth::guard::guard_unguarded_users(&self.db.superuser, &self.db.app, &keys)
            .await
            .unwrap();
    }

    /// Moves every user's `role_since` `days` into the past, as if their roles had
    /// been given that long ago (only a superuser may; the database keeps the date).
    pub async fn backdate_roles(&self, days: i32) {
        sqlx::query("UPDATE users SET role_since = role_since - make_interval(days => $1)")
            .bind(days)
            .execute(&self.db.superuser)
            .await
            .unwrap();
    }

    pub async fn count(&self, sql: &str) -> i64 {
        self.seal_audit().await;
        sqlx::query_scalar(sql)
            .fetch_one(&self.db.superuser)
            .await
            .unwrap()
    }
}

impl TestApp {
    /// Invites `email` with `role` and accepts, without setting up a second factor.
    pub async fn invite_and_accept(&self, owner: &Client, email: &str, role: &str) -> Client {
        let (member, _) = self.accept(owner, email, role, "Dora Datenschutz").await;
        member
    }

    async fn accept(
        &self,
        owner: &Client,
        email: &str,
        role: &str,
        name: &str,
    ) -> (Client, SignInStep) {
        let input = InviteInput {
            email: email.into(),
            role: role.into(),
        };
        let invitation = self.call(owner, InviteMember { input }).await.ok();
        let link = invitation.link.expect("a new invitation has its link");
        let (slug, token) = slug_and_token(&link);
        let member = client();
        let input = AcceptInviteInput {
            slug,
            token,
            display_name: name.into(),
            password: PASSWORD.into(),
        };
        let step = self.call(&member, AcceptInvitation { input }).await.ok();
        (member, step)
    }

    /// Invites `email` with `role` as `owner` and returns a client signed in as them
    /// (with an authenticator set up where the role requires one).
    pub async fn join(&self, owner: &Client, email: &str, role: &str, name: &str) -> Client {
        let (member, step) = self.accept(owner, email, role, name).await;
        // DPO and works council must set up a second factor first, by default.
        if step == SignInStep::Enrol {
            self.enrol_totp(&member).await;
        }
        member
    }

    /// Sets up an authenticator app for `client`'s user, as the security page does;
    /// returns its secret and the recovery codes.
    pub async fn enrol_totp(&self, client: &Client) -> (String, RecoveryCodes) {
        let enrolment = self.call(client, StartTotp {}).await.ok();
        let code = totp_code(&enrolment.secret, 0);
        let codes = self
            .call(
                client,
                ConfirmTotp {
                    input: CodeInput { code },
                },
            )
            .await
            .ok();
        (enrolment.secret, codes)
    }

    /// Chains and anchors every tenant's pending audit entries, as the background
    /// sealer does within a second; returns the pool to read the log with.
    pub async fn seal_audit(&self) -> &sqlx::PgPool {
        let anchors = self.config.audit_anchor_dir.clone().map(AnchorDir::new);
        app::backend::audit::sealer::seal_all(&self.backend(), anchors.as_ref())
            .await
            .unwrap();
        &self.db.superuser
    }

    pub async fn audit_rows(&self, action: &str) -> Vec<(Option<Uuid>, Vec<Uuid>)> {
        self.seal_audit().await;
        sqlx::query_as("SELECT actor_id, subject_ids FROM audit_log WHERE action = $1 ORDER BY seq")
            .bind(action)
            .fetch_all(&self.db.superuser)
            .await
            .unwrap()
    }
}
