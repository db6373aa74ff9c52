//! Unread notices (`msgfeed`): replies, @-mentions, likes and system
//! notices of Bilibili's video and comment features. sixin hosts none of
//! those, so it truthfully answers 0 for each; clients call this beside
//! `single_unread` to draw their badges.

use crate::http::reply::Json;
use sixin_api::message::request::PlatformQuery;
use sixin_api::message::FeedUnread;
use sixin_api::Envelope;

use crate::error::Error;
use crate::http::auth::CurrentUser;
use crate::http::extract::Query;

/// GET /x/msgfeed/unread (the older endpoint: no `sys_msg_style`)
pub async fn get_feed_unread(
    _user: CurrentUser,
    Query(_): Query<PlatformQuery>,
) -> Result<Json<Envelope<FeedUnread>>, Error> {
    Ok(Json(Envelope::ok(FeedUnread::default())))
}

/// GET /x/im/web/msgfeed/unread (the newer endpoint: `sys_msg_style` 1)
pub async fn get_im_feed_unread(
    _user: CurrentUser,
    Query(_): Query<PlatformQuery>,
) -> Result<Json<Envelope<FeedUnread>>, Error> {
    Ok(Json(Envelope::ok(FeedUnread {
        sys_msg_style: Some(1),
        ..FeedUnread::default()
    })))
}
