//! Automatic replies: the texts users set (`/x/im/auto_reply`), and
//! sending them ([`crate::service::auto_reply`] decides when).

use sixin_api::message::msg_type;
use sixin_api::Code;

use super::MessageService;
use crate::domain::message::auto_reply::{
    check_kind, plan_delete, plan_set, AutoReply, ReplyWrite,
};
use crate::domain::message::send::{Origin, Outgoing};
use crate::domain::message::{content, Sent};
use crate::domain::{Mid, Refusal};
use crate::error::Error;
use crate::events::SettingsPart;

impl MessageService {
    /// `mid`'s automatic replies of `kinds`, newest first (2 非法参数 for
    /// an undocumented kind).
    pub async fn auto_replies(&self, mid: Mid, kinds: &[i64]) -> Result<Vec<AutoReply>, Error> {
        for &kind in kinds {
            check_kind(kind)
                .map_err(|_| Refusal::new(Code::InvalidParam, format!("type[] {kind}")))?;
        }
        let all = self.store.auto_replies(mid).await?;
        Ok(all
            .into_iter()
            .filter(|r| kinds.contains(&r.kind))
            .collect())
    }

    /// Sets one of `mid`'s automatic replies ([`plan_set`]).
    pub async fn set_auto_reply(&self, mid: Mid, asked: ReplyWrite) -> Result<u64, Error> {
        let id = self
            .store
            .set_auto_reply(
                mid,
                self.clock.now_secs(),
                Box::new(move |own| plan_set(&asked, own)),
            )
            .await?;
        self.settings_changed(mid, SettingsPart::AutoReplies).await;
        Ok(id)
    }

    /// Deletes one of `mid`'s automatic replies ([`plan_delete`]).
    pub async fn delete_auto_reply(&self, mid: Mid, id: u64) -> Result<(), Error> {
        self.store
            .delete_auto_reply(id, Box::new(move |rule| plan_delete(mid, rule.as_ref())))
            .await?;
        self.settings_changed(mid, SettingsPart::AutoReplies).await;
        Ok(())
    }

    /// Sends an automatic reply `text` from `sender` to `receiver` with
    /// `msg_source` 8, 9 or 10. Only blocks stop it.
    pub async fn send_auto_reply(
        &self,
        sender: Mid,
        receiver: Mid,
        text: &str,
        msg_source: i64,
    ) -> Result<Sent, Error> {
        let json = serde_json::json!({ "content": text }).to_string();
        let content = content::parse(msg_type::TEXT, &json, usize::MAX, 1)?;
        let message = Outgoing {
            origin: Origin::Automatic,
            sender,
            receiver,
            content,
            msg_source,
            fingerprint: None,
            now_us: self.clock.now_us(),
        };
        Ok(self.write(message, None).await?.sent)
    }
}
