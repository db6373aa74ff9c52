//! msg_keys: milliseconds since the epoch in the high bits and a counter in
//! the low 22, strictly increasing even across restarts (the generator
//! starts above the largest stored key). Values exceed 2^53, as Bilibili's do.

use std::sync::atomic::{AtomicU64, Ordering};

use rusqlite::Connection;

use crate::domain::MsgKey;

#[derive(Debug, Default)]
pub struct KeyGen {
    last: AtomicU64,
}

impl KeyGen {
    pub fn starting_after(last: u64) -> KeyGen {
        KeyGen {
            last: AtomicU64::new(last),
        }
    }

    /// A key above every key issued so far, at or after `now_us`.
    pub fn next(&self, now_us: i64) -> MsgKey {
        let floor = ((now_us.max(0) as u64) / 1000) << 22;
        let mut current = self.last.load(Ordering::Relaxed);
        loop {
            let next = floor.max(current + 1);
            match self.last.compare_exchange_weak(
                current,
                next,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => return MsgKey(next),
                Err(seen) => current = seen,
            }
        }
    }
}

/// The largest stored msg_key, to start the generator above it.
pub fn max_msg_key(conn: &Connection) -> rusqlite::Result<u64> {
    conn.query_row("SELECT COALESCE(MAX(msg_key), 0) FROM messages", [], |r| {
        r.get::<_, i64>(0)
    })
    .map(|k| k as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_increase_strictly_and_exceed_2_pow_53() {
        let keys = KeyGen::default();
        let now = 1_712_305_278_098_351;
        let a = keys.next(now);
        let b = keys.next(now);
        let c = keys.next(now - 5_000_000);
        assert!(a.get() > 1 << 53);
        assert!(b > a && c > b);
        let restarted = KeyGen::starting_after(c.get());
        assert!(restarted.next(now - 10_000_000) > c);
    }
}
