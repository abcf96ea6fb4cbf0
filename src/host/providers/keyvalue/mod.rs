//! The `keyvalue` provider: `wasi:keyvalue` store, atomics and batch over a shared backend.

pub mod backends;

pub use backends::{KvBackend, KvError, MemoryKv, SqliteKv};
