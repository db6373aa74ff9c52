//! QR-code login: the browser's side (`generate`, `poll`) and the
//! approving user's side (sixin's `scan` and `confirm`).

use sixin_api::passport::{qr_status, QrGenerate, QrKeyForm, QrPoll, QrPollQuery};
use sixin_api::Envelope;

use crate::{Client, Error};

impl Client {
    /// `GET /x/passport-login/web/qrcode/generate`
    pub async fn qr_generate(&self) -> Result<Envelope<QrGenerate>, Error> {
        self.get("/x/passport-login/web/qrcode/generate", &()).await
    }

    /// `GET /x/passport-login/web/qrcode/poll`; when `data.code` is 0 the
    /// returned client is logged in with the cookies the server set.
    pub async fn qr_poll(
        &self,
        qrcode_key: &str,
    ) -> Result<(Envelope<QrPoll>, Option<Client>), Error> {
        let response = self
            .http
            .get(self.url("/x/passport-login/web/qrcode/poll"))
            .query(&QrPollQuery {
                qrcode_key: qrcode_key.to_owned(),
            })
            .send()
            .await?;
        let cookies = crate::set_cookies(&response);
        let envelope: Envelope<QrPoll> = response.json().await?;
        let confirmed = envelope.code == 0
            && envelope
                .data
                .as_ref()
                .is_some_and(|d| d.code == qr_status::CONFIRMED);
        let logged_in = confirmed
            .then(|| cookies.map(|c| self.clone().with_cookies(c)))
            .flatten();
        Ok((envelope, logged_in))
    }

    /// `POST /x/sixin/qrcode/scan` as this client's user.
    pub async fn qr_scan(&self, qrcode_key: &str) -> Result<Envelope<()>, Error> {
        let form = QrKeyForm {
            qrcode_key: qrcode_key.to_owned(),
        };
        self.post_form("/x/sixin/qrcode/scan", &form).await
    }

    /// `POST /x/sixin/qrcode/confirm` as this client's user.
    pub async fn qr_confirm(&self, qrcode_key: &str) -> Result<Envelope<()>, Error> {
        let form = QrKeyForm {
            qrcode_key: qrcode_key.to_owned(),
        };
        self.post_form("/x/sixin/qrcode/confirm", &form).await
    }

    /// Scans, then confirms, `qrcode_key` as this client's user: the
    /// browser polling it is logged in as them. The first refusal's envelope
    /// is returned as it came.
    pub async fn approve_qr_login(&self, qrcode_key: &str) -> Result<Envelope<()>, Error> {
        let scanned = self.qr_scan(qrcode_key).await?;
        if scanned.code != 0 {
            return Ok(scanned);
        }
        self.qr_confirm(qrcode_key).await
    }
}
