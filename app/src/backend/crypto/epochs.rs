//! Erasure epochs: keys outside the database that every subject key is also wrapped
//! under, so that erasure reaches backups.
//!
//! A backup holds each subject key as it was that day. Destroying a key in the live
//! database does not touch those copies, so a restored backup would bring an erased
//! person back. Each subject key is therefore wrapped under the tenant key *and* the
//! current epoch's key, kept in a directory outside the database
//! (`TESSERA_ERASURE_DIR`). The epoch roll starts a new epoch, re-wraps every live key
//! under it, and deletes an old epoch's file once the backup retention has passed
//! since the epoch ended: every backup from that epoch then stays unreadable.
//! Until then, the erasure ledger beside the keys (subject ids only) is re-applied to
//! a restored backup before it serves.
//!
//! Epoch files hold their key in plain base64 (mode 0600): the key is useless without
//! the tenant key, which needs the master key; what protects backups is that the file
//! is deleted. The directory must therefore never be part of a long-lived backup.

use super::{CryptoError, DataKey};
use base64::Engine as _;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// Other processes (a `server keys roll-epoch`) may start an epoch; a running server
/// sees it within this time, and at once when it meets a key under it.
const RELOAD_AFTER: Duration = Duration::from_secs(30);
const EPOCH_TAG: &str = "tessera-erasure-epoch-v1";
const ERASURE_TAG: &str = "tessera-erasure-v1";
const LEDGER: &str = "erasures.ledger";

/// One epoch's key and when it began (unix seconds).
#[derive(Clone)]
struct Epoch {
    created_at: i64,
    key: DataKey,
}

/// One destroyed subject key in the ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Erasure {
    pub tenant_id: Uuid,
    pub subject_id: Uuid,
    /// Unix seconds.
    pub erased_at: i64,
}

impl Erasure {
    fn to_line(self) -> String {
        format!(
            "{ERASURE_TAG} {} {} {}\n",
            self.tenant_id, self.subject_id, self.erased_at
        )
    }

    fn parse(line: &str) -> Option<Self> {
        let mut parts = line.split_ascii_whitespace();
        if parts.next()? != ERASURE_TAG {
            return None;
        }
        let erasure = Self {
            tenant_id: parts.next()?.parse().ok()?,
            subject_id: parts.next()?.parse().ok()?,
            erased_at: parts.next()?.parse().ok()?,
        };
        parts.next().is_none().then_some(erasure)
    }
}

pub struct ErasureEpochs {
    dir: PathBuf,
    loaded: Mutex<(BTreeMap<i32, Epoch>, Instant)>,
}

fn invalid(what: String) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, what)
}

/// Writes a file readable by this user only, whole or not at all.
fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let partial = path.with_extension("writing");
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&partial)?;
    file.write_all(contents)?;
    file.sync_all()?;
    std::fs::rename(&partial, path)
}

impl ErasureEpochs {
    /// Opens (and creates) the directory and reads its epochs.
    pub fn open(dir: PathBuf) -> std::io::Result<Self> {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&dir)?;
        let epochs = read_epochs(&dir)?;
        Ok(Self {
            dir,
            loaded: Mutex::new((epochs, Instant::now())),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn reload(&self) -> std::io::Result<()> {
        let epochs = read_epochs(&self.dir)?;
        *self.loaded.lock().expect("epoch lock") = (epochs, Instant::now());
        Ok(())
    }

    fn with_loaded<T>(&self, read: impl FnOnce(&BTreeMap<i32, Epoch>) -> T) -> T {
        let stale = self.loaded.lock().expect("epoch lock").1.elapsed() > RELOAD_AFTER;
        if stale {
            if let Err(err) = self.reload() {
                tracing::error!(error = %err, "could not re-read the erasure epochs");
            }
        }
        read(&self.loaded.lock().expect("epoch lock").0)
    }

    /// The epoch new subject keys are wrapped under, with its key; `None` before the
    /// first epoch.
    pub fn current(&self) -> Option<(i32, DataKey)> {
        self.with_loaded(|epochs| {
            epochs
                .last_key_value()
                .map(|(n, epoch)| (*n, epoch.key.clone()))
        })
    }

    /// The key of `epoch`; `EpochDestroyed` when its file is gone.
    pub fn key(&self, epoch: i32) -> Result<DataKey, CryptoError> {
        let find = |epochs: &BTreeMap<i32, Epoch>| epochs.get(&epoch).map(|e| e.key.clone());
        if let Some(key) = self.with_loaded(find) {
            return Ok(key);
        }
        // Perhaps started by another process a moment ago.
        if let Err(err) = self.reload() {
            tracing::error!(error = %err, "could not re-read the erasure epochs");
        }
        self.with_loaded(find)
            .ok_or(CryptoError::EpochDestroyed(epoch))
    }

    /// Every epoch still kept, oldest first, with when it began (unix seconds).
    pub fn kept(&self) -> Vec<(i32, i64)> {
        self.with_loaded(|epochs| epochs.iter().map(|(n, e)| (*n, e.created_at)).collect())
    }

    fn file_of(&self, epoch: i32) -> PathBuf {
        self.dir.join(format!("epoch-{epoch:09}.key"))
    }

    /// Starts the next epoch at `now` (unix seconds); new subject keys use it at once.
    /// Two processes starting one at the same moment agree on one key: the file is
    /// linked into place only if no other is there yet.
    pub fn start_next(&self, now: i64) -> std::io::Result<i32> {
        self.reload()?;
        let epoch = self.current().map_or(1, |(n, _)| n + 1);
        let key = DataKey::generate();
        let encoded = base64::engine::general_purpose::STANDARD.encode(key.expose());
        let line = zeroize::Zeroizing::new(format!("{EPOCH_TAG} {epoch} {now} {encoded}\n"));
        let partial = self
            .dir
            .join(format!("epoch-{epoch:09}.{}.partial", Uuid::now_v7()));
        write_private(&partial, line.as_bytes())?;
        let linked = std::fs::hard_link(&partial, self.file_of(epoch));
        std::fs::remove_file(&partial)?;
        match linked {
            Ok(()) => tracing::info!(epoch, "erasure epoch started"),
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(err) => return Err(err),
        }
        self.reload()?;
        Ok(epoch)
    }

    /// Deletes an epoch's key: every subject key wrapped under it, in any copy of the
    /// database, can no longer be opened.
    pub fn destroy(&self, epoch: i32) -> std::io::Result<()> {
        std::fs::remove_file(self.file_of(epoch))?;
        self.reload()?;
        tracing::info!(epoch, "erasure epoch key destroyed");
        Ok(())
    }

    fn ledger(&self) -> PathBuf {
        self.dir.join(LEDGER)
    }

    /// Held while the ledger is written, so that pruning in one process loses no line
    /// another process appends meanwhile (released when dropped).
    fn lock_ledger(&self) -> std::io::Result<std::fs::File> {
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.dir.join("erasures.lock"))?;
        lock.lock()?;
        Ok(lock)
    }

    /// Appends erasures to the ledger in one write, synced before it returns.
    pub fn record_erasures(&self, erasures: &[Erasure]) -> std::io::Result<()> {
        use std::os::unix::fs::OpenOptionsExt;
        let _lock = self.lock_ledger()?;
        let lines: String = erasures.iter().map(|e| e.to_line()).collect();
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(self.ledger())?;
        file.write_all(lines.as_bytes())?;
        file.sync_data()
    }

    /// The ledger's erasures (none before the first).
    pub fn erasures(&self) -> std::io::Result<Vec<Erasure>> {
        match std::fs::read_to_string(self.ledger()) {
            Ok(text) => Ok(text.lines().filter_map(Erasure::parse).collect()),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(err) => Err(err),
        }
    }

    /// Drops erasures made before `before` (unix seconds): every backup that could
    /// still hold their keys is unreadable by now. Returns how many are left.
    pub fn prune_erasures(&self, before: i64) -> std::io::Result<usize> {
        let _lock = self.lock_ledger()?;
        let kept: Vec<Erasure> = self
            .erasures()?
            .into_iter()
            .filter(|e| e.erased_at >= before)
            .collect();
        let lines: String = kept.iter().map(|e| e.to_line()).collect();
        write_private(&self.ledger(), lines.as_bytes())?;
        Ok(kept.len())
    }
}

fn read_epochs(dir: &Path) -> std::io::Result<BTreeMap<i32, Epoch>> {
    let mut epochs = BTreeMap::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().is_none_or(|e| e != "key") {
            continue;
        }
        let text = zeroize::Zeroizing::new(std::fs::read_to_string(&path)?);
        let parsed = parse_epoch(&text)
            .ok_or_else(|| invalid(format!("{} is not an epoch key", path.display())))?;
        epochs.insert(parsed.0, parsed.1);
    }
    Ok(epochs)
}

fn parse_epoch(text: &str) -> Option<(i32, Epoch)> {
    let mut parts = text.split_ascii_whitespace();
    if parts.next()? != EPOCH_TAG {
        return None;
    }
    let epoch: i32 = parts.next()?.parse().ok()?;
    let created_at: i64 = parts.next()?.parse().ok()?;
    let bytes = zeroize::Zeroizing::new(
        base64::engine::general_purpose::STANDARD
            .decode(parts.next()?)
            .ok()?,
    );
    let key = DataKey::from_bytes(&bytes)?;
    (epoch > 0 && parts.next().is_none()).then_some((epoch, Epoch { created_at, key }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch() -> PathBuf {
        std::env::temp_dir().join(format!("tessera-epochs-{}", Uuid::now_v7()))
    }

    #[test]
    fn epochs_count_up_survive_a_reopen_and_are_gone_once_destroyed() {
        let dir = scratch();
        let epochs = ErasureEpochs::open(dir.clone()).unwrap();
        assert!(epochs.current().is_none());
        assert_eq!(epochs.start_next(100).unwrap(), 1);
        assert_eq!(epochs.start_next(200).unwrap(), 2);
        let second = epochs.key(2).unwrap();

        let reopened = ErasureEpochs::open(dir.clone()).unwrap();
        let (current, key) = reopened.current().unwrap();
        assert_eq!(current, 2);
        assert_eq!(key.expose(), second.expose());
        assert_eq!(reopened.kept(), vec![(1, 100), (2, 200)]);

        reopened.destroy(1).unwrap();
        assert_eq!(reopened.key(1).unwrap_err(), CryptoError::EpochDestroyed(1));
        // Another process agrees on the next number and, from then on, lacks epoch 1.
        assert_eq!(epochs.start_next(300).unwrap(), 3);
        assert!(epochs.key(1).is_err());
        assert_eq!(
            reopened.key(3).unwrap().expose(),
            epochs.key(3).unwrap().expose()
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn the_ledger_reads_back_what_it_recorded_and_prunes_by_age() {
        let dir = scratch();
        let epochs = ErasureEpochs::open(dir.clone()).unwrap();
        assert!(epochs.erasures().unwrap().is_empty());
        let erasure = |at| Erasure {
            tenant_id: Uuid::now_v7(),
            subject_id: Uuid::now_v7(),
            erased_at: at,
        };
        let (old, new) = (erasure(10), erasure(20));
        epochs.record_erasures(&[old]).unwrap();
        epochs.record_erasures(&[new]).unwrap();
        assert_eq!(epochs.erasures().unwrap(), vec![old, new]);
        assert_eq!(epochs.prune_erasures(15).unwrap(), 1);
        assert_eq!(epochs.erasures().unwrap(), vec![new]);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_damaged_epoch_file_refuses_to_open_instead_of_being_skipped() {
        let dir = scratch();
        let epochs = ErasureEpochs::open(dir.clone()).unwrap();
        epochs.start_next(1).unwrap();
        std::fs::write(dir.join("epoch-000000002.key"), "garbage").unwrap();
        assert!(ErasureEpochs::open(dir.clone()).is_err());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
