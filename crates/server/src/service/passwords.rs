//! Password hashing with Argon2id on a small pool of its own threads.
//!
//! Each hash takes Argon2's 19 MiB and tens of milliseconds of CPU. On
//! tokio's blocking pool (up to 512 threads) 48 concurrent wrong logins
//! took ~900 MB; here at most `threads` hashes run at once (one per core by
//! default), each thread reusing its own memory, and at most `queue` wait;
//! past that a hash is refused at once (-799) instead of piling up.

use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};

use std::cell::RefCell;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{Output, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use sixin_api::Code;
use tokio::sync::oneshot;

use crate::domain::Refusal;
use crate::error::Error;

type Job = Box<dyn FnOnce() + Send>;

/// The hashing pool. Dropping it lets its threads finish what is queued and
/// end.
pub struct Hasher {
    jobs: SyncSender<Job>,
}

impl Hasher {
    /// A pool of `threads` threads (0: one per core) with room for `queue`
    /// waiting hashes.
    pub fn new(threads: usize, queue: usize) -> Hasher {
        let threads = if threads == 0 {
            std::thread::available_parallelism().map_or(1, |n| n.get())
        } else {
            threads
        };
        let (jobs, receiver) = sync_channel::<Job>(queue);
        let receiver = Arc::new(Mutex::new(receiver));
        for n in 0..threads {
            let receiver = receiver.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("sixin-hash-{n}"))
                .spawn(move || work(&receiver));
            if let Err(err) = spawned {
                tracing::error!(%err, "could not start a password hashing thread");
            }
        }
        Hasher { jobs }
    }

    /// Queues `job`: -799 when the queue is full.
    fn submit<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Result<oneshot::Receiver<T>, Error> {
        let (reply, answer) = oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = reply.send(job());
        });
        match self.jobs.try_send(job) {
            Ok(()) => Ok(answer),
            Err(TrySendError::Full(_)) => {
                Err(Refusal::new(Code::TooFrequent, "password hashing queue full").into())
            }
            Err(TrySendError::Disconnected(_)) => {
                Err(Error::internal("password hashing pool stopped"))
            }
        }
    }

    /// Runs `job` on the pool: -799 when the queue is full.
    async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Error> {
        self.submit(job)?
            .await
            .map_err(|_| Error::internal("password hashing thread failed"))
    }

    /// A PHC-format Argon2id hash of `password`.
    pub async fn hash(&self, password: String) -> Result<String, Error> {
        self.run(move || hash_now(&password)).await?
    }

    /// Whether `password` matches `stored`. Without a stored hash a dummy
    /// hash is computed anyway, so that the answer takes as long for
    /// unknown users.
    pub async fn verify(&self, password: String, stored: Option<String>) -> Result<bool, Error> {
        self.run(move || match stored.as_deref().map(PasswordHash::new) {
            Some(Ok(parsed)) => verify_now(&password, &parsed),
            Some(Err(_)) | None => {
                let _ = hash_now(&password);
                false
            }
        })
        .await
    }
}

thread_local! {
    /// Argon2's working memory, kept by each pool thread between hashes.
    static BLOCKS: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Most working memory a stored hash may ask for (64 MiB).
const MAX_BLOCKS: usize = 64 * 1024;

/// Argon2id of `password` and `salt` into `out`, in this thread's memory.
fn argon2id(params: Params, password: &[u8], salt: &[u8], out: &mut [u8]) -> argon2::Result<()> {
    let needed = params.block_count();
    if needed > MAX_BLOCKS {
        return Err(argon2::Error::MemoryTooMuch);
    }
    BLOCKS.with(|blocks| {
        let mut blocks = blocks.borrow_mut();
        if blocks.len() < needed {
            blocks.resize(needed, Block::new());
        }
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params).hash_password_into_with_memory(
            password,
            salt,
            out,
            &mut blocks[..needed],
        )
    })
}

fn hash_now(password: &str) -> Result<String, Error> {
    let failed = |e: &dyn std::fmt::Display| Error::internal(format!("hashing a password: {e}"));
    let salt = SaltString::generate(&mut OsRng);
    let params = Params::default();
    let mut salt_bytes = [0u8; 64];
    let salt_raw = salt.decode_b64(&mut salt_bytes).map_err(|e| failed(&e))?;
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    argon2id(params.clone(), password.as_bytes(), salt_raw, &mut out).map_err(|e| failed(&e))?;
    let output = Output::new(&out).map_err(|e| failed(&e))?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: (&params).try_into().map_err(|e| failed(&e))?,
        salt: Some(salt.as_salt()),
        hash: Some(output),
    };
    Ok(phc.to_string())
}

fn verify_now(password: &str, stored: &PasswordHash<'_>) -> bool {
    let is_argon2id = stored.algorithm == Algorithm::Argon2id.ident()
        && stored
            .version
            .is_none_or(|v| v == u32::from(Version::V0x13));
    let (Some(salt), Some(expected)) = (stored.salt, stored.hash) else {
        return false;
    };
    let Ok(params) = Params::try_from(stored) else {
        return false;
    };
    let mut salt_bytes = [0u8; 64];
    let Ok(salt_raw) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let mut out = vec![0u8; expected.len()];
    if !is_argon2id || argon2id(params, password.as_bytes(), salt_raw, &mut out).is_err() {
        return false;
    }
    Output::new(&out).is_ok_and(|computed| computed == expected)
}

/// One pool thread: runs jobs until the pool is dropped.
fn work(receiver: &Mutex<Receiver<Job>>) {
    loop {
        let job = {
            let Ok(receiver) = receiver.lock() else {
                return;
            };
            match receiver.recv() {
                Ok(job) => job,
                Err(_) => return,
            }
        };
        job();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_a_full_queue_refuses() {
        let hasher = Hasher::new(1, 1);
        let hash = hasher.hash("secret".into()).await.unwrap();
        assert!(hasher
            .verify("secret".into(), Some(hash.clone()))
            .await
            .unwrap());
        assert!(!hasher.verify("wrong".into(), Some(hash)).await.unwrap());
        assert!(!hasher.verify("x".into(), None).await.unwrap());
        // Hashes made the usual way (as stored before the pool) verify too.
        use argon2::password_hash::PasswordHasher;
        let salt = SaltString::generate(&mut OsRng);
        let usual = Argon2::default()
            .hash_password(b"old", &salt)
            .unwrap()
            .to_string();
        assert!(hasher
            .verify("old".into(), Some(usual.clone()))
            .await
            .unwrap());
        assert!(!hasher.verify("new".into(), Some(usual)).await.unwrap());

        // One running, one queued, the third refused.
        let (started_tx, started) = std::sync::mpsc::channel();
        let (release, gate) = std::sync::mpsc::channel::<()>();
        let running = hasher
            .submit(move || {
                started_tx.send(()).unwrap();
                gate.recv().unwrap();
            })
            .unwrap();
        started.recv().unwrap();
        let queued = hasher.submit(|| 1).unwrap();
        let refused = hasher.submit(|| 2).map(|_| ()).unwrap_err();
        assert_eq!(refused.code(), Code::TooFrequent);
        release.send(()).unwrap();
        running.await.unwrap();
        assert_eq!(queued.await.unwrap(), 1);
    }
}
