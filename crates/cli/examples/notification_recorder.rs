//! A desktop notification server for the end-to-end tests of the app: it takes
//! `org.freedesktop.Notifications` on the session bus (`DBUS_SESSION_BUS_ADDRESS`),
//! prints `ready`, then one line per notification received
//! (`notify<TAB>id<TAB>summary<TAB>body`), and clicks a notification when told
//! `click ID` on standard input, as a person would. Real D-Bus throughout; it is
//! the same recorder the Rust reminder tests use.

#[path = "../../../tests/support/notifications.rs"]
mod notifications;

use std::io::{BufRead, Write};
use std::time::Duration;

fn main() {
    let address = std::env::var("DBUS_SESSION_BUS_ADDRESS").expect("DBUS_SESSION_BUS_ADDRESS is set");
    let server = std::sync::Arc::new(notifications::Server::connect(&address));
    println!("ready");
    std::io::stdout().flush().unwrap();
    let watch = server.clone();
    std::thread::spawn(move || {
        let mut seen = 0;
        loop {
            let all = watch.received();
            for n in &all[seen..] {
                let clean = |t: &str| t.replace(['\t', '\n'], " ");
                println!("notify\t{}\t{}\t{}", n.id, clean(&n.summary), clean(&n.body));
            }
            std::io::stdout().flush().unwrap();
            seen = all.len();
            std::thread::sleep(Duration::from_millis(100));
        }
    });
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        if let Some(id) = line.strip_prefix("click ").and_then(|i| i.trim().parse().ok()) {
            server.click(id, "default");
            println!("clicked\t{id}");
            std::io::stdout().flush().unwrap();
        }
    }
}
