//! Test harness: a fresh database per test (cloned from a migrated template), a
//! running server on a free port, and clients that call it as the UI does.

mod calls;
mod db;

pub use db::{admin_url, TestDb};

use app::backend::auth::throttle::ThrottleLimits;
use reqwest::header::SET_COOKIE;
use reqwest::StatusCode;
use server::config::{Config, Mode};
use std::time::Duration;
use uuid::Uuid;

pub const PASSWORD: &str = "correct horse battery staple";

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
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

pub struct RpcResponse {
    pub status: StatusCode,
    pub body: serde_json::Value,
    pub session_cookie: Option<String>,
}

impl TestApp {
    pub async fn rpc(
        &self,
        client: &reqwest::Client,
        endpoint: &str,
        form: &[(&str, &str)],
    ) -> RpcResponse {
        let response = client
            .post(format!("{}/rpc/{endpoint}", self.address))
            .form(form)
            .send()
            .await
            .expect("request is sent");
        let status = response.status();
        let session_cookie = response
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("tessera_session="))
            .map(str::to_owned);
        let text = response.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text));
        RpcResponse {
            status,
            body,
            session_cookie,
        }
    }

    /// Signs up a tenant with `slug`, leaving `client` signed in as its owner.
    pub async fn sign_up(&self, client: &reqwest::Client, slug: &str, email: &str) -> RpcResponse {
        self.rpc(
            client,
            "signup",
            &[
                ("input[company_name]", &format!("{slug} GmbH")),
                ("input[slug]", slug),
                ("input[owner_name]", "Erika Mustermann"),
                ("input[email]", email),
                ("input[password]", PASSWORD),
            ],
        )
        .await
    }

    pub async fn log_in(
        &self,
        client: &reqwest::Client,
        slug: &str,
        email: &str,
        password: &str,
    ) -> RpcResponse {
        self.rpc(
            client,
            "login",
            &[
                ("input[workspace]", slug),
                ("input[email]", email),
                ("input[password]", password),
            ],
        )
        .await
    }

    /// A fresh client signed in as the owner of a new tenant.
    pub async fn owner_of(&self, slug: &str) -> reqwest::Client {
        let client = client();
        let response = self
            .sign_up(&client, slug, &format!("owner@{slug}.example"))
            .await;
        assert_eq!(response.status, StatusCode::OK, "{:?}", response.body);
        client
    }

    pub async fn create_contact(
        &self,
        client: &reqwest::Client,
        first: &str,
        last: &str,
        email: &str,
    ) -> RpcResponse {
        self.rpc(
            client,
            "contacts/create",
            &[
                ("input[first_name]", first),
                ("input[last_name]", last),
                ("input[email]", email),
                ("input[phone]", ""),
                ("input[organisation]", "Beispiel AG"),
                ("input[notes]", ""),
            ],
        )
        .await
    }

    pub async fn list_contacts(
        &self,
        client: &reqwest::Client,
        extra: &[(&str, &str)],
    ) -> RpcResponse {
        let mut form = extra.to_vec();
        for (key, default) in [("query[q]", ""), ("query[sort]", "NameAsc")] {
            if !form.iter().any(|(k, _)| *k == key) {
                form.push((key, default));
            }
        }
        self.rpc(client, "contacts/list", &form).await
    }

    /// The services' backend on this test's database, as the CLI would build it.
    pub fn backend(&self) -> std::sync::Arc<app::backend::Backend> {
        let keys = app::backend::crypto::KeyStore::new(self.config.key_ring().unwrap());
        app::backend::Backend::new(self.db.app.clone(), keys, "http://localhost")
    }

    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar(sql)
            .fetch_one(&self.db.superuser)
            .await
            .unwrap()
    }
}

/// The whole body of an error with `code`: the published contract, and nothing more.
pub fn error_body(code: &str) -> serde_json::Value {
    serde_json::json!({"code": code, "message": format!("error.{code}")})
}

/// The `id` field of a JSON object.
pub fn id_of(value: &serde_json::Value) -> String {
    value["id"].as_str().expect("an id").to_owned()
}

impl TestApp {
    /// Invites `email` with `role` as `owner` and returns a client signed in as them.
    pub async fn join(
        &self,
        owner: &reqwest::Client,
        email: &str,
        role: &str,
        name: &str,
    ) -> reqwest::Client {
        let invitation = self
            .rpc(
                owner,
                "team/invite",
                &[("input[email]", email), ("input[role]", role)],
            )
            .await;
        assert_eq!(invitation.status, StatusCode::OK, "{:?}", invitation.body);
        let link = invitation.body["link"].as_str().unwrap().to_owned();
        let mut parts = link.rsplit('/');
        let token = parts.next().unwrap().to_owned();
        let slug = parts.next().unwrap().to_owned();
        let member = client();
        let accepted = self
            .rpc(
                &member,
                "invitation/accept",
                &[
                    ("input[slug]", &slug),
                    ("input[token]", &token),
                    ("input[display_name]", name),
                    ("input[password]", PASSWORD),
                ],
            )
            .await;
        assert_eq!(accepted.status, StatusCode::OK, "{:?}", accepted.body);
        member
    }

    pub async fn audit_rows(&self, action: &str) -> Vec<(Option<Uuid>, Vec<Uuid>)> {
        sqlx::query_as("SELECT actor_id, subject_ids FROM audit_log WHERE action = $1 ORDER BY seq")
            .bind(action)
            .fetch_all(&self.db.superuser)
            .await
            .unwrap()
    }
}
