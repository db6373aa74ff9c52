//! The realtime push WebSocket (`/sixin/v1/events`): frames of
//! `sixin_api::push`, over `ws://` (no TLS in this client).

use futures_util::{SinkExt, StreamExt};
use sixin_api::push::{ClientFrame, ServerFrame};
use sixin_api::Envelope;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::{Client, Error};

/// The path of the push WebSocket.
pub const EVENTS_PATH: &str = "/sixin/v1/events";

/// An open push connection.
pub struct Events {
    socket: WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>,
    closed: Option<CloseFrame>,
}

impl std::fmt::Debug for Events {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Events").finish_non_exhaustive()
    }
}

impl Client {
    /// Opens the push connection as this client's user, resuming after
    /// `last_event_id` when given. A refusal (no login, too many
    /// connections) is [`Error::Api`].
    pub async fn events(&self, last_event_id: Option<&str>) -> Result<Events, Error> {
        self.events_from(last_event_id, None).await
    }

    /// [`Client::events`] as a page of `origin` would open it.
    pub async fn events_from(
        &self,
        last_event_id: Option<&str>,
        origin: Option<&str>,
    ) -> Result<Events, Error> {
        let base = self
            .base
            .replacen("http://", "ws://", 1)
            .replacen("https://", "wss://", 1);
        let mut url = format!("{base}{EVENTS_PATH}");
        if let Some(id) = last_event_id {
            let query =
                serde_urlencoded::to_string([("last_event_id", id)]).map_err(Error::Encode)?;
            url = format!("{url}?{query}");
        }
        let mut request = url.into_client_request().map_err(ws_error)?;
        let headers = request.headers_mut();
        if let Some(cookies) = &self.cookies {
            headers.insert(
                "Cookie",
                HeaderValue::from_str(&cookies.cookie_header())
                    .map_err(|e| Error::Push(e.to_string()))?,
            );
        }
        if let Some(origin) = origin {
            headers.insert(
                "Origin",
                HeaderValue::from_str(origin).map_err(|e| Error::Push(e.to_string()))?,
            );
        }
        match tokio_tungstenite::connect_async(request).await {
            Ok((socket, _)) => Ok(Events {
                socket,
                closed: None,
            }),
            Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
                let body = response.body().as_deref().unwrap_or_default();
                match serde_json::from_slice::<Envelope<serde_json::Value>>(body) {
                    Ok(envelope) => Err(Error::Api {
                        code: envelope.code,
                        message: envelope.message,
                    }),
                    Err(_) => Err(Error::Push(format!(
                        "upgrade refused: HTTP {}",
                        response.status()
                    ))),
                }
            }
            Err(err) => Err(ws_error(err)),
        }
    }
}

fn ws_error(err: tokio_tungstenite::tungstenite::Error) -> Error {
    Error::Push(err.to_string())
}

impl Events {
    /// The next frame from the server; `None` once the connection closed
    /// (see [`Events::close_frame`] for how).
    pub async fn next(&mut self) -> Option<Result<ServerFrame, Error>> {
        loop {
            match self.socket.next().await? {
                Ok(Message::Text(text)) => {
                    return Some(
                        serde_json::from_str(text.as_str())
                            .map_err(|e| Error::Push(format!("unreadable frame {text}: {e}"))),
                    )
                }
                Ok(Message::Close(frame)) => {
                    self.closed = frame;
                }
                Ok(_) => {}
                Err(err) => return Some(Err(ws_error(err))),
            }
        }
    }

    /// Sends a frame.
    pub async fn send(&mut self, frame: &ClientFrame) -> Result<(), Error> {
        let text = serde_json::to_string(frame).map_err(|e| Error::Push(e.to_string()))?;
        self.socket
            .send(Message::Text(text.into()))
            .await
            .map_err(ws_error)
    }

    /// How the server closed the connection (code and reason), once it did.
    pub fn close_frame(&self) -> Option<(u16, String)> {
        self.closed
            .as_ref()
            .map(|f| (u16::from(f.code), f.reason.to_string()))
    }

    /// Closes the connection.
    pub async fn close(mut self) {
        let _ = self.socket.close(None).await;
    }
}
