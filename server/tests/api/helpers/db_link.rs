//! A TCP link between a test's server and the real test cluster that the test can
//! cut and restore: what the server sees of a PostgreSQL restart or a failover
//! (open connections broken, new ones refused), without stopping the cluster every
//! other test shares.

use std::sync::Mutex;
use tokio::io::copy_bidirectional;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub struct DbLink {
    port: u16,
    target: String,
    listening: Mutex<Option<JoinHandle<()>>>,
    /// Bumped on every cut; each forwarded connection ends when it changes.
    cuts: watch::Sender<u64>,
}

impl DbLink {
    /// Forwards a local port to the cluster behind `database_url`.
    pub async fn to(database_url: &str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let link = Self {
            port: listener.local_addr().unwrap().port(),
            target: host_and_port(database_url).to_owned(),
            listening: Mutex::new(None),
            cuts: watch::channel(0).0,
        };
        link.listen(listener);
        link
    }

    fn listen(&self, listener: TcpListener) {
        let (target, cuts) = (self.target.clone(), self.cuts.clone());
        let task = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let (target, mut cut) = (target.clone(), cuts.subscribe());
                tokio::spawn(async move {
                    let Ok(mut server) = TcpStream::connect(&target).await else {
                        return;
                    };
                    tokio::select! {
                        _ = copy_bidirectional(&mut client, &mut server) => {}
                        _ = cut.changed() => {}
                    }
                });
            }
        });
        *self.listening.lock().unwrap() = Some(task);
    }

    /// Rewrites a database URL of the cluster to go through this link.
    pub fn reroute(&self) -> impl Fn(&str) -> String + 'static {
        let port = self.port;
        move |url| url.replacen(host_and_port(url), &format!("127.0.0.1:{port}"), 1)
    }

    /// Breaks every open connection and refuses new ones until [`DbLink::restore`].
    pub fn cut(&self) {
        if let Some(task) = self.listening.lock().unwrap().take() {
            task.abort(); // drops the listener: connections are refused
        }
        self.cuts.send_modify(|n| *n += 1);
    }

    pub async fn restore(&self) {
        let listener = TcpListener::bind(("127.0.0.1", self.port)).await.unwrap();
        self.listen(listener);
    }
}

fn host_and_port(database_url: &str) -> &str {
    let after_user = database_url
        .rsplit_once('@')
        .map_or(database_url, |(_, rest)| rest);
    after_user.split(['/', '?']).next().unwrap()
}
