//! Live notifications between relay instances on one database. Each append
//! that stores a new batch, and each device a rotation removes, sends
//! `pg_notify('nextdate_relay', …)` inside its own transaction (so it goes
//! out only if the write commits, in commit order); [`listen`] keeps a
//! dedicated connection on `LISTEN nextdate_relay` and hands what other
//! instances stored to the relay, which tells its live sockets. A dropped
//! listener connection is made again with a growing pause; what was
//! announced while it was down is not repeated (devices still pull on
//! their own schedule).
//!
//! Payloads are text: `b INSTANCE SEQ CHAMBER` for a batch, `r INSTANCE
//! DEVICE-HEX CHAMBER` for a removed device, `a …` likewise for a device
//! whose access changed (the chamber last: it may hold
//! spaces in tests).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ::postgres::fallible_iterator::FallibleIterator;
use ::postgres::{Client, Config, GenericClient, NoTls};

use super::plain;
use crate::storage::{StorageEvent, StoreResult};

/// The channel every instance of one relay database uses.
pub(super) const CHANNEL: &str = "nextdate_relay";
/// How often the listener looks up from waiting (to stop when the storage is dropped).
const POLL: Duration = Duration::from_millis(250);
/// How long an idle listener connection goes before it is checked.
const CHECK_EVERY: Duration = Duration::from_secs(30);
/// The pauses between attempts to connect the listener again.
const FIRST_PAUSE: Duration = Duration::from_millis(100);
const LONGEST_PAUSE: Duration = Duration::from_secs(10);
/// How long [`listen`] waits for its first `LISTEN` before it returns anyway.
const FIRST_LISTEN: Duration = Duration::from_secs(10);

/// An event as one instance announces it.
pub(super) struct Announcement<'a> {
    instance: &'a str,
    event: StorageEvent,
}

impl<'a> Announcement<'a> {
    pub(super) fn new(instance: &'a str, event: StorageEvent) -> Announcement<'a> {
        Announcement { instance, event }
    }

    fn payload(&self) -> String {
        match &self.event {
            StorageEvent::Batch { chamber, latest } => format!("b {} {latest} {chamber}", self.instance),
            StorageEvent::Removed { chamber, device } => format!(
                "r {} {} {chamber}",
                self.instance,
                data_encoding::HEXLOWER.encode(device)
            ),
            StorageEvent::Access { chamber, device } => format!(
                "a {} {} {chamber}",
                self.instance,
                data_encoding::HEXLOWER.encode(device)
            ),
        }
    }
}

/// Sends the announcement when the caller's transaction commits.
pub(super) fn announce(c: &mut impl GenericClient, what: &Announcement<'_>) -> StoreResult<()> {
    c.execute("SELECT pg_notify($1, $2)", &[&CHANNEL, &what.payload()])?;
    Ok(())
}

/// The instance that sent a payload and what it says; `None` when it is not one of ours.
fn parse(payload: &str) -> Option<(&str, StorageEvent)> {
    let mut parts = payload.splitn(4, ' ');
    let (kind, instance, value, chamber) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    let chamber = chamber.to_string();
    let event = match kind {
        "b" => StorageEvent::Batch {
            chamber,
            latest: value.parse().ok()?,
        },
        "r" => StorageEvent::Removed {
            chamber,
            device: data_encoding::HEXLOWER.decode(value.as_bytes()).ok()?.try_into().ok()?,
        },
        "a" => StorageEvent::Access {
            chamber,
            device: data_encoding::HEXLOWER.decode(value.as_bytes()).ok()?.try_into().ok()?,
        },
        _ => return None,
    };
    Some((instance, event))
}

/// Starts a thread that calls `on_event` for what other instances announce,
/// until `stopped` is set. Returns once the first `LISTEN` is in place (or
/// failed; the thread keeps trying), so nothing committed after it is missed.
pub(super) fn listen(
    config: Config,
    instance: String,
    stopped: Arc<AtomicBool>,
    on_event: Box<dyn Fn(StorageEvent) + Send + Sync>,
) {
    let (first, listening) = mpsc::channel::<()>();
    let spawned = std::thread::Builder::new()
        .name("relay-pg-listen".into())
        .spawn(move || {
            let mut first = Some(first);
            let mut pause = FIRST_PAUSE;
            while !stopped.load(Ordering::SeqCst) {
                match subscribe(&config) {
                    Ok(mut client) => {
                        if first.take().is_none() {
                            tracing::info!("listening to other relay instances again");
                        }
                        pause = FIRST_PAUSE;
                        if let Err(e) = forward(&mut client, &instance, &stopped, &*on_event) {
                            tracing::warn!(error = %plain(&e), "lost the connection that listens to other relay instances");
                        }
                    }
                    Err(e) => {
                        first = None;
                        tracing::warn!(error = %plain(&e), "cannot listen to other relay instances; trying again");
                    }
                }
                let until = Instant::now() + pause;
                while Instant::now() < until && !stopped.load(Ordering::SeqCst) {
                    std::thread::sleep(POLL.min(until.saturating_duration_since(Instant::now())));
                }
                pause = (pause * 2).min(LONGEST_PAUSE);
            }
        });
    match spawned {
        Ok(_) => {
            // A message or the sender dropped: either way, go on.
            let _ = listening.recv_timeout(FIRST_LISTEN);
        }
        Err(e) => tracing::error!(error = %e, "cannot start listening to other relay instances"),
    }
}

/// A connection of its own, listening.
fn subscribe(config: &Config) -> Result<Client, ::postgres::Error> {
    let mut client = config.connect(NoTls)?;
    client.batch_execute(&format!("LISTEN {CHANNEL}"))?;
    Ok(client)
}

/// Hands other instances' announcements to `on_event` until `stopped` is
/// set (`Ok`) or the connection fails.
fn forward(
    client: &mut Client,
    instance: &str,
    stopped: &AtomicBool,
    on_event: &dyn Fn(StorageEvent),
) -> Result<(), ::postgres::Error> {
    let mut checked = Instant::now();
    while !stopped.load(Ordering::SeqCst) {
        let mut heard = false;
        {
            let mut notifications = client.notifications();
            let mut waiting = notifications.timeout_iter(POLL);
            while let Some(note) = waiting.next()? {
                heard = true;
                match parse(note.payload()) {
                    Some((from, event)) if from != instance => on_event(event),
                    Some(_) => {}
                    None => tracing::debug!("an announcement the relay does not understand"),
                }
                if stopped.load(Ordering::SeqCst) {
                    return Ok(());
                }
            }
        }
        if client.is_closed() {
            // Ends the loop in the caller, which connects again.
            client.is_valid(POLL)?;
            return Ok(());
        }
        if heard {
            checked = Instant::now();
        } else if checked.elapsed() >= CHECK_EVERY {
            client.is_valid(CHECK_EVERY)?;
            checked = Instant::now();
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_read_back_as_they_were_sent() {
        for event in [
            StorageEvent::Batch {
                chamber: "ch-1 with space".into(),
                latest: 42,
            },
            StorageEvent::Removed {
                chamber: "ch-2".into(),
                device: [7; 32],
            },
            StorageEvent::Access {
                chamber: "ch-3".into(),
                device: [8; 32],
            },
        ] {
            let sent = Announcement::new("abc123", event.clone()).payload();
            assert_eq!(parse(&sent), Some(("abc123", event)));
        }
        assert_eq!(parse("x abc 1 ch"), None);
        assert_eq!(parse("b abc notanumber ch"), None);
        assert_eq!(parse("r abc 00ff ch"), None);
    }
}
