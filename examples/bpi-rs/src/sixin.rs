//! sixin's own calls, which no Bilibili client knows: creating users and
//! their login cookies through the admin API, and approving a QR-code login
//! (what `sixin user add`, `sixin user login` and `sixin login approve` do).
//! Plain HTTP and JSON to the base URL.

use serde_json::{json, Value};

/// Login cookies of a sixin user.
#[derive(Debug, Clone)]
pub struct Cookies {
    pub mid: u64,
    pub sessdata: String,
    pub bili_jct: String,
}

impl Cookies {
    /// The cookie header bpi-rs takes (it also wants a `buvid3`).
    pub fn header(&self, buvid3: &str) -> String {
        format!(
            "DedeUserID={}; SESSDATA={}; bili_jct={}; buvid3={buvid3}",
            self.mid, self.sessdata, self.bili_jct
        )
    }
}

pub struct Sixin {
    base: String,
    admin_token: String,
    http: reqwest::Client,
}

impl Sixin {
    pub fn new(base: &str, admin_token: &str) -> Sixin {
        Sixin {
            base: base.trim_end_matches('/').to_owned(),
            admin_token: admin_token.to_owned(),
            http: reqwest::Client::new(),
        }
    }

    async fn admin(&self, path: &str, body: Option<Value>) -> Result<Value, String> {
        let mut request = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.admin_token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let answer: Value = request
            .send()
            .await
            .and_then(|r| r.error_for_status())
            .map_err(|e| format!("POST {path}: {e}"))?
            .json()
            .await
            .map_err(|e| format!("POST {path}: {e}"))?;
        match answer["code"].as_i64() {
            Some(0) => Ok(answer["data"].clone()),
            _ => Err(format!("POST {path}: {answer}")),
        }
    }

    // ANCHOR: cookies
    /// Creates a user and returns their mid (`POST /admin/v1/users`).
    pub async fn add_user(&self, uname: &str, password: &str) -> Result<u64, String> {
        let user = json!({ "uname": uname, "password": password });
        let data = self.admin("/admin/v1/users", Some(user)).await?;
        data["mid"].as_u64().ok_or(format!("no mid in {data}"))
    }

    /// Starts a session for `mid` and returns its cookies
    /// (`POST /admin/v1/users/{mid}/sessions`).
    pub async fn login(&self, mid: u64) -> Result<Cookies, String> {
        let data = self
            .admin(&format!("/admin/v1/users/{mid}/sessions"), None)
            .await?;
        let text = |name: &str| {
            data[name]
                .as_str()
                .map(str::to_owned)
                .ok_or(format!("no {name} in {data}"))
        };
        Ok(Cookies {
            mid,
            sessdata: text("SESSDATA")?,
            bili_jct: text("bili_jct")?,
        })
    }
    // ANCHOR_END: cookies

    // ANCHOR: password
    /// Logs in with a name (or mid) and password, as sixin's web login does:
    /// `POST /x/passport-login/web/login` sets the cookies.
    pub async fn password_login(&self, username: &str, password: &str) -> Result<Cookies, String> {
        let response = self
            .http
            .post(format!("{}/x/passport-login/web/login", self.base))
            .form(&[("username", username), ("password", password)])
            .send()
            .await
            .map_err(|e| format!("password login: {e}"))?;
        let cookie = |name: &str| {
            response
                .cookies()
                .find(|c| c.name() == name)
                .map(|c| c.value().to_owned())
        };
        let (Some(mid), Some(sessdata), Some(bili_jct)) =
            (cookie("DedeUserID"), cookie("SESSDATA"), cookie("bili_jct"))
        else {
            return Err(format!(
                "password login set no cookies: {:?}",
                response.text().await
            ));
        };
        Ok(Cookies {
            mid: mid.parse().map_err(|_| format!("DedeUserID {mid}"))?,
            sessdata,
            bili_jct,
        })
    }
    // ANCHOR_END: password

    /// Scans (`step` = "scan") or confirms ("confirm") a pending QR-code
    /// login as the user of `cookies`: `POST /x/sixin/qrcode/{step}`.
    pub async fn qr_step(&self, step: &str, cookies: &Cookies, key: &str) -> Result<(), String> {
        let answer: Value = self
            .http
            .post(format!("{}/x/sixin/qrcode/{step}", self.base))
            .header(
                "Cookie",
                format!(
                    "SESSDATA={}; bili_jct={}",
                    cookies.sessdata, cookies.bili_jct
                ),
            )
            .form(&[("qrcode_key", key), ("csrf", &cookies.bili_jct)])
            .send()
            .await
            .map_err(|e| format!("qrcode/{step}: {e}"))?
            .json()
            .await
            .map_err(|e| format!("qrcode/{step}: {e}"))?;
        match answer["code"].as_i64() {
            Some(0) => Ok(()),
            _ => Err(format!("qrcode/{step}: {answer}")),
        }
    }
}
