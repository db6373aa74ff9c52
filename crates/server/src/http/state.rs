//! The state every handler gets.

use std::sync::Arc;

use crate::config::Config;
use crate::datadir::DataDir;
use crate::metrics::Metrics;
use crate::secrets::Secrets;
use crate::service::Services;

/// Shared state: built once in `main` (or a test), passed into the router.
#[derive(Clone)]
pub struct AppState {
    pub services: Arc<Services>,
    pub config: Arc<Config>,
    pub secrets: Arc<Secrets>,
    /// Base URL for links to what this server hosts, without a trailing slash.
    pub public_url: Arc<str>,
    pub metrics: Arc<Metrics>,
    /// The data directory, locked for as long as the state lives.
    pub data_dir: Arc<DataDir>,
}
