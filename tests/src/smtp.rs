//! A real SMTP server for tests (mailin-embedded on a free port) that keeps what it
//! receives, parsed with mail-parser.

use std::io;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mailin_embedded::response::OK;
use mailin_embedded::{Handler, Response, Server, SslConfig};

/// A mail the sink received.
#[derive(Debug, Clone)]
pub struct ReceivedMail {
    /// Envelope sender.
    pub from: String,
    /// Envelope recipients.
    pub to: Vec<String>,
    /// `Subject:` header, decoded.
    pub subject: String,
    /// The text body, decoded.
    pub body: String,
    /// The HTML alternative, decoded, when the mail has one.
    pub html: Option<String>,
    /// `Message-ID:` without angle brackets.
    pub message_id: Option<String>,
    /// `In-Reply-To:` ids without angle brackets.
    pub in_reply_to: Vec<String>,
    /// The `Reply-To:` address.
    pub reply_to: Option<String>,
    /// The `Date:` header, as RFC 3339.
    pub date: Option<String>,
    /// `References:` ids without angle brackets.
    pub references: Vec<String>,
}

#[derive(Clone)]
struct Collector {
    current: Vec<u8>,
    from: String,
    to: Vec<String>,
    received: Arc<Mutex<Vec<ReceivedMail>>>,
}

impl Handler for Collector {
    fn data_start(&mut self, _domain: &str, from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.current.clear();
        from.clone_into(&mut self.from);
        self.to = to.to_vec();
        OK
    }

    fn data(&mut self, buf: &[u8]) -> io::Result<()> {
        self.current.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let parsed = mail_parser::MessageParser::default().parse(&self.current[..]);
        let mail = parsed.map_or_else(
            || ReceivedMail {
                from: self.from.clone(),
                to: self.to.clone(),
                subject: String::new(),
                body: String::from_utf8_lossy(&self.current).into_owned(),
                html: None,
                message_id: None,
                in_reply_to: Vec::new(),
                reply_to: None,
                date: None,
                references: Vec::new(),
            },
            |m| ReceivedMail {
                from: self.from.clone(),
                to: self.to.clone(),
                subject: m.subject().unwrap_or_default().to_owned(),
                body: m.body_text(0).map(|b| b.into_owned()).unwrap_or_default(),
                html: (m.html_body_count() > 0 && m.text_body_count() > 0)
                    .then(|| m.body_html(0).map(|b| b.into_owned()))
                    .flatten(),
                message_id: m.message_id().map(str::to_owned),
                in_reply_to: m
                    .in_reply_to()
                    .as_text_list()
                    .map(|ids| ids.iter().map(|id| id.to_string()).collect())
                    .unwrap_or_default(),
                reply_to: m
                    .reply_to()
                    .and_then(|a| a.first())
                    .and_then(|a| a.address())
                    .map(str::to_owned),
                date: m.date().map(mail_parser::DateTime::to_rfc3339),
                references: m
                    .references()
                    .as_text_list()
                    .map(|ids| ids.iter().map(|id| id.to_string()).collect())
                    .unwrap_or_default(),
            },
        );
        self.received
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(mail);
        OK
    }

    fn helo(&mut self, _ip: IpAddr, _domain: &str) -> Response {
        OK
    }
}

/// The running sink; it lives until the test process ends.
#[derive(Clone)]
pub struct SmtpSink {
    /// `smtp://127.0.0.1:PORT`, for `Config::smtp_url`.
    pub url: String,
    received: Arc<Mutex<Vec<ReceivedMail>>>,
}

impl SmtpSink {
    /// Starts a sink on a free local port.
    ///
    /// # Errors
    ///
    /// Fails when no port can be bound.
    pub fn start() -> anyhow::Result<Self> {
        Self::start_at("127.0.0.1:0".parse()?)
    }

    /// Starts a sink on `address` (a relay coming back where it was).
    ///
    /// # Errors
    ///
    /// Fails when the address cannot be bound.
    pub fn start_at(address: std::net::SocketAddr) -> anyhow::Result<Self> {
        let listener = std::net::TcpListener::bind(address)?;
        let url = format!("smtp://{}", listener.local_addr()?);
        let received = Arc::new(Mutex::new(Vec::new()));
        let handler = Collector {
            current: Vec::new(),
            from: String::new(),
            to: Vec::new(),
            received: received.clone(),
        };
        let mut server = Server::new(handler);
        server
            .with_name("sink.test")
            .with_ssl(SslConfig::None)
            .map_err(|e| anyhow::anyhow!("smtp sink: {e}"))?
            .with_num_threads(2)
            .with_tcp_listener(listener);
        std::thread::spawn(move || {
            if let Err(error) = server.serve() {
                eprintln!("smtp sink stopped: {error}");
            }
        });
        Ok(Self { url, received })
    }

    /// Every mail received so far.
    #[must_use]
    pub fn received(&self) -> Vec<ReceivedMail> {
        self.received
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Waits up to `timeout` until at least `count` mails arrived.
    ///
    /// # Errors
    ///
    /// Fails on timeout.
    pub async fn wait_for(
        &self,
        count: usize,
        timeout: Duration,
    ) -> anyhow::Result<Vec<ReceivedMail>> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let mails = self.received();
            if mails.len() >= count {
                return Ok(mails);
            }
            if tokio::time::Instant::now() >= deadline {
                anyhow::bail!("expected {count} mails, got {}", mails.len());
            }
            // A poll, bounded by the deadline: the sink's threads notify nobody.
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}
