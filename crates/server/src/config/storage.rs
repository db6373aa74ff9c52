//! Where uploaded files are kept, as `sixin serve` flags (flattened into
//! [`super::Config`]).

/// Where uploaded files are kept: the data directory (default) or an
/// S3-compatible bucket.
#[derive(Debug, Clone, clap::Args)]
pub struct StorageConfig {
    /// Keep uploads in this S3-compatible bucket instead of
    /// `<data-dir>/uploads`; links to customer-service files are then the
    /// bucket's own presigned URLs.
    #[arg(long, env = "SIXIN_S3_BUCKET")]
    pub s3_bucket: Option<String>,

    /// Region of the bucket.
    #[arg(long, env = "SIXIN_S3_REGION", default_value = "us-east-1")]
    pub s3_region: String,

    /// Endpoint of an S3-compatible service (MinIO, Ceph, R2, ...); AWS
    /// when absent.
    #[arg(long, env = "SIXIN_S3_ENDPOINT")]
    pub s3_endpoint: Option<String>,

    /// Access key id; taken from the usual AWS environment or instance
    /// credentials when absent.
    #[arg(long, env = "SIXIN_S3_ACCESS_KEY_ID")]
    pub s3_access_key_id: Option<String>,

    /// Secret access key.
    #[arg(long, env = "SIXIN_S3_SECRET_ACCESS_KEY", hide_env_values = true)]
    pub s3_secret_access_key: Option<String>,

    /// Address the bucket as `<endpoint>/<bucket>` (most self-hosted
    /// services) rather than `<bucket>.<endpoint>`.
    #[arg(long, env = "SIXIN_S3_PATH_STYLE")]
    pub s3_path_style: bool,

    /// Allow a plain `http://` endpoint.
    #[arg(long, env = "SIXIN_S3_ALLOW_HTTP")]
    pub s3_allow_http: bool,
}

impl Default for StorageConfig {
    fn default() -> Self {
        StorageConfig {
            s3_bucket: None,
            s3_region: "us-east-1".into(),
            s3_endpoint: None,
            s3_access_key_id: None,
            s3_secret_access_key: None,
            s3_path_style: false,
            s3_allow_http: false,
        }
    }
}
