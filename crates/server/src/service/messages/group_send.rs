//! Sending to a fan group (`send_msg` with `msg[receiver_type]=2`).

use sixin_api::message::request::SendMsgForm;
use sixin_api::Code;

use super::send::{fingerprint, SendReceipt};
use super::MessageService;
use crate::domain::group::{parse_at_uids, GroupId};
use crate::domain::message::group_send::{plan, GroupOutgoing, GroupSendDecision, GroupSendFacts};
use crate::domain::message::rate::{count_send, RateDecision};
use crate::domain::message::send::{screen_parts, Origin, Screen};
use crate::domain::message::session::Talker;
use crate::domain::message::{content, source_of, Content};
use crate::domain::{Mid, Refusal};
use crate::error::Error;
use crate::store::groups::GroupSendContext;

/// 24 hours, in seconds: how long sustained abuse stops a sender.
const STOP_SECS: i64 = 24 * 3600;

impl MessageService {
    /// A member's message to a group: the content is checked as for a
    /// user (21035, 21007, -400, 21037), `msg[at_uids]` parsed; then,
    /// inside the write, the retry, stop and image checks, the rate limit,
    /// and the group's rules ([`plan`]: -400, 700013, 700014, 21035 for a
    /// frozen group, recalls, mentions).
    pub(super) async fn send_to_group(
        &self,
        caller: Mid,
        form: &SendMsgForm,
    ) -> Result<SendReceipt, Error> {
        let group = GroupId::new(form.receiver_id)
            .ok_or_else(|| Error::bad_request("msg[receiver_id] must be a fan group id"))?;
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
        let at_uids = match form.at_uids.as_deref() {
            Some(text) => parse_at_uids(text)?,
            None => Vec::new(),
        };
        let now_us = self.clock.now_us();
        let now_secs = now_us.div_euclid(1_000_000);
        let message = GroupOutgoing {
            sender: caller,
            group,
            content,
            msg_source: source_of(form.mobi_app.as_deref().or(form.platform.as_deref())),
            at_uids,
            fingerprint: fingerprint(form),
            now_us,
        };
        let context = GroupSendContext {
            sender: caller,
            group,
            now_us,
            retry: message
                .fingerprint
                .map(|fp| (fp, now_secs - self.limits.retry_window_secs as i64)),
            image,
            recall: match &message.content {
                Content::Recall { target, .. } => Some(*target),
                _ => None,
            },
            mentioned: message
                .at_uids
                .iter()
                .filter_map(|&u| Mid::new(u))
                .collect(),
        };
        let rate_limits = self.limits.rate;
        let recall_window_us = (self.limits.recall_window_secs as i64).saturating_mul(1_000_000);
        let decided = message.clone();
        let decide = Box::new(move |facts: &GroupSendFacts| {
            let screened = screen_parts(
                Origin::User,
                facts.image_uploaded,
                facts.earlier,
                facts.banned_until,
            )?;
            if let Screen::Answer(earlier) = screened {
                return Ok(GroupSendDecision::Retried(earlier));
            }
            // The rate limit is the sender's, shared with their one-to-one
            // sends, and counted as there.
            let rate = match count_send(&facts.sender_rate, now_secs, rate_limits) {
                (RateDecision::Allowed, next) => next,
                (RateDecision::TooFast, next) => {
                    return Ok(GroupSendDecision::Refuse {
                        refusal: Code::SendTooFast.into(),
                        rate: next,
                    })
                }
                (RateDecision::Ban, _) => {
                    return Ok(GroupSendDecision::StopSender {
                        until: now_secs + STOP_SECS,
                    })
                }
            };
            // A send refused after it was counted still counts.
            match plan(&decided, facts, recall_window_us) {
                Ok(mut plan) => {
                    plan.rate = Some(rate);
                    Ok(GroupSendDecision::Store(plan))
                }
                Err(refusal) => Ok(GroupSendDecision::Refuse { refusal, rate }),
            }
        });
        let outcome = self.store.send_to_group(context, decide).await?;
        let sent = self
            .published(outcome, caller, Talker::Group(group))
            .await?;
        Ok(SendReceipt {
            sent,
            content: message.content,
        })
    }
}
