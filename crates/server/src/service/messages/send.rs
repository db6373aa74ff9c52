//! Sending: what users type through `send_msg`, and what the server sends
//! on a user's behalf.

use sha2::{Digest, Sha256};
use sixin_api::message::request::SendMsgForm;
use sixin_api::message::{msg_source, msg_type};
use sixin_api::Code;

use super::uploads::{valid_upload_name, IMAGE_PATH};
use super::MessageService;
use crate::domain::message::rate::{count_send, RateDecision};
use crate::domain::message::send::{
    plan, screen, Fingerprint, Origin, Outgoing, Screen, SendDecision, SendFacts, MUTUAL_GREETING,
};
use crate::domain::message::session::Talker;
use crate::domain::message::{content, source_of, Content, Sent};
use crate::domain::{Mid, Refusal};
use crate::error::Error;
use crate::events::Event;
use crate::store::messages::{SendContext, SendOutcome};

/// What a send did: where the message is, and its content as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct SendReceipt {
    pub sent: Sent,
    pub content: Content,
}

/// 24 hours, in seconds: how long sustained abuse stops a sender.
const STOP_SECS: i64 = 24 * 3600;

impl MessageService {
    /// Sends what `caller` typed.
    ///
    /// Checks, in order: the form names the caller as sender, a status of 0,
    /// a user receiver (-400); not oneself (21026); the content (21035,
    /// 21007, -400, 21037); then, inside the write, the rules of
    /// [`screen`], the rate limit (21020, 21046) and [`plan`].
    pub async fn send(&self, caller: Mid, form: &SendMsgForm) -> Result<SendReceipt, Error> {
        if form.sender_uid != caller.get() {
            return Err(Error::bad_request(
                "msg[sender_uid] must be the logged-in user",
            ));
        }
        if form.msg_status.is_some_and(|s| s != 0) {
            return Err(Error::bad_request("msg[msg_status] must be 0"));
        }
        match form.receiver_type {
            1 => {}
            2 => return self.send_to_group(caller, form).await,
            other => {
                return Err(Error::bad_request(format!(
                    "msg[receiver_type] must be 1 (a user) or 2 (a fan group), not {other}"
                )))
            }
        }
        let receiver = Mid::new(form.receiver_id)
            .ok_or_else(|| Error::bad_request("msg[receiver_id] must be a user mid"))?;
        if receiver == caller {
            return Err(Code::SendToSelf.into());
        }
        let content = content::parse(
            form.msg_type,
            &form.content,
            self.limits.max_msg_bytes,
            form.new_face_version.unwrap_or(0),
        )?;
        let image = match &content {
            Content::Image { url, .. } => Some(
                self.hosted_image(url)
                    .ok_or_else(|| Refusal::new(Code::ImageInvalid, "image not hosted here"))?,
            ),
            _ => None,
        };
        let message = Outgoing {
            origin: Origin::User,
            sender: caller,
            receiver,
            content,
            msg_source: source_of(form.mobi_app.as_deref().or(form.platform.as_deref())),
            fingerprint: fingerprint(form),
            now_us: self.clock.now_us(),
        };
        self.write(message, image).await
    }

    /// Sends the greeting of two users who now follow each other, from the
    /// one who completed the pair (`msg_source` 17). Only blocks stop it.
    pub async fn send_mutual_greeting(&self, sender: Mid, receiver: Mid) -> Result<Sent, Error> {
        let content = content::parse(msg_type::TEXT, MUTUAL_GREETING, usize::MAX, 1)?;
        let message = Outgoing {
            origin: Origin::Automatic,
            sender,
            receiver,
            content,
            msg_source: msg_source::MUTUAL_FOLLOW,
            fingerprint: None,
            now_us: self.clock.now_us(),
        };
        Ok(self.write(message, None).await?.sent)
    }

    /// The write transaction of a send, and the events after it.
    pub(super) async fn write(
        &self,
        message: Outgoing,
        image: Option<String>,
    ) -> Result<SendReceipt, Error> {
        let now_secs = message.now_us.div_euclid(1_000_000);
        let retry_since = now_secs - self.limits.retry_window_secs as i64;
        let context = SendContext {
            sender: message.sender,
            receiver: message.receiver,
            now_us: message.now_us,
            retry: message.fingerprint.map(|fp| (fp, retry_since)),
            image,
            recall: match &message.content {
                Content::Recall { target, .. } => Some(*target),
                _ => None,
            },
        };
        let rate_limits = self.limits.rate;
        let recall_window_us = (self.limits.recall_window_secs as i64).saturating_mul(1_000_000);
        let decided = message.clone();
        let decide = Box::new(move |facts: &SendFacts| {
            if let Screen::Answer(earlier) = screen(&decided, facts)? {
                return Ok(SendDecision::Retried(earlier));
            }
            let mut rate = None;
            if decided.origin == Origin::User {
                match count_send(&facts.sender_rate, now_secs, rate_limits) {
                    (RateDecision::Allowed, next) => rate = Some(next),
                    (RateDecision::TooFast, next) => {
                        return Ok(SendDecision::Refuse {
                            refusal: Code::SendTooFast.into(),
                            rate: next,
                        })
                    }
                    (RateDecision::Ban, _) => {
                        return Ok(SendDecision::StopSender {
                            until: now_secs + STOP_SECS,
                        })
                    }
                }
            }
            // A send refused after it was counted still counts.
            match (plan(&decided, facts, recall_window_us), rate) {
                (Ok(mut plan), rate) => {
                    plan.rate = rate;
                    Ok(SendDecision::Store(plan))
                }
                (Err(refusal), Some(rate)) => Ok(SendDecision::Refuse { refusal, rate }),
                (Err(refusal), None) => Err(refusal),
            }
        });
        let outcome = self.store.send(context, decide).await?;
        let sent = self
            .published(outcome, message.sender, Talker::User(message.receiver))
            .await?;
        Ok(SendReceipt {
            sent,
            content: message.content,
        })
    }

    /// What a send did, with its events published: the first message
    /// stored (or the one a retry stored), a refusal that was counted
    /// against the sender's rate, or 21046 for a stopped sender.
    pub(super) async fn published(
        &self,
        outcome: SendOutcome,
        sender: Mid,
        receiver: Talker,
    ) -> Result<Sent, Error> {
        match outcome {
            SendOutcome::Retried(sent) => Ok(sent),
            SendOutcome::Refused(refusal) => Err(refusal.into()),
            SendOutcome::SenderStopped { until } => {
                tracing::warn!(mid = %sender, until, "stopped sending for 24 hours after repeated bursts");
                Err(Code::SendBanned24h.into())
            }
            SendOutcome::Stored { messages, recalled } => {
                let first = messages.first().map(|(m, _)| Sent {
                    msg_key: m.msg_key,
                    msg_seqno: m.seqno,
                });
                if let Some(msg_key) = recalled {
                    self.events
                        .publish(Event::MessageRecalled {
                            msg_key,
                            sender,
                            receiver,
                        })
                        .await;
                }
                for (stored, visible_to) in messages {
                    self.events
                        .publish(Event::MessageStored {
                            message: stored,
                            visible_to,
                        })
                        .await;
                }
                first.ok_or_else(|| Error::internal("a stored send stored no message"))
            }
        }
    }

    /// The upload name of an image address on this server, whichever
    /// scheme the client wrote; `None` for an address elsewhere.
    pub(super) fn hosted_image(&self, url: &str) -> Option<String> {
        let ours = without_scheme(&self.public_url)?;
        let name = without_scheme(url)?
            .strip_prefix(ours)?
            .strip_prefix(IMAGE_PATH)?;
        valid_upload_name(name).then(|| name.to_owned())
    }
}

/// `//host[:port]/path` of an http(s) or protocol-relative URL.
fn without_scheme(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("https:")
        .or_else(|| url.strip_prefix("http:"))
        .unwrap_or(url);
    rest.starts_with("//").then_some(rest)
}

/// Identifies a send for retry detection: everything the client chose.
pub(super) fn fingerprint(form: &SendMsgForm) -> Option<Fingerprint> {
    let dev_id = form.dev_id.as_deref().filter(|d| !d.is_empty())?;
    let mut hash = Sha256::new();
    for part in [
        form.receiver_type.to_string(),
        form.receiver_id.to_string(),
        dev_id.to_owned(),
        form.timestamp.unwrap_or_default().to_string(),
        form.msg_type.to_string(),
    ] {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    hash.update(form.content.as_bytes());
    let hash = hash.finalize();
    let mut fingerprint = Fingerprint::default();
    let len = fingerprint.len();
    fingerprint.copy_from_slice(&hash[..len]);
    Some(fingerprint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_compared_without_their_scheme() {
        assert_eq!(without_scheme("https://h/x"), Some("//h/x"));
        assert_eq!(without_scheme("//h/x"), Some("//h/x"));
        assert_eq!(without_scheme("ftp://h/x"), None);
    }

    #[test]
    fn the_fingerprint_covers_what_the_client_chose() {
        let form = SendMsgForm {
            dev_id: Some("D".into()),
            content: "a".into(),
            ..SendMsgForm::default()
        };
        let other = SendMsgForm {
            content: "b".into(),
            ..form.clone()
        };
        assert_eq!(fingerprint(&form), fingerprint(&form.clone()));
        assert_ne!(fingerprint(&form), fingerprint(&other));
        let no_device = SendMsgForm {
            dev_id: None,
            ..form
        };
        assert_eq!(fingerprint(&no_device), None);
    }
}
